using System.Net.NetworkInformation;
using System.Text;
using Cni.Linux.Net;

namespace Cni.Linux.Firewall;

/// <summary>
/// The iptables backend, for hosts whose firewall is iptables. Per owner and family: a nat chain
/// CNI-&lt;24 hex&gt; holding `-d SUBNET -j ACCEPT` and `! -d MULTICAST -j MASQUERADE`, and a POSTROUTING
/// `-s ADDR -j CHAIN` jump, all commented with the owner's tag. ADD is one `iptables-restore --noflush`
/// batch per family (no read); DEL and GC read the nat table once per family (`iptables-save -t nat`) and
/// apply one restore batch. Spoof checks always use nftables (as the reference does): iptables cannot
/// match frames on a bridge port.
/// </summary>
public sealed class IptablesFirewall : IFirewall
{
    private readonly NftFirewall _bridge = new();

    public string Backend => "iptables";

    /// <summary>The iptables tools are processes that have exited; only the spoof-check socket is ours.</summary>
    public void Dispose() => _bridge.Dispose();

    /// <inheritdoc/>
    public void AddMasquerade(FirewallOwner owner, IReadOnlyList<Cidr> containerAddresses)
    {
        ArgumentNullException.ThrowIfNull(containerAddresses);
        foreach (bool ipv6 in new[] { false, true })
        {
            var addresses = containerAddresses.Where(a => a.IsIPv4 != ipv6).ToList();
            if (addresses.Count == 0) continue;
            Tool(ipv6).Restore(AddBatch(owner, addresses, ipv6));
        }
    }

    /// <inheritdoc/>
    public void RemoveMasquerade(FirewallOwner owner) => RemoveChains(state => [owner.IptablesChain]);

    /// <inheritdoc/>
    public void AddMacSpoofCheck(FirewallOwner owner, string hostIfName, PhysicalAddress mac) => _bridge.AddMacSpoofCheck(owner, hostIfName, mac);

    /// <inheritdoc/>
    public void RemoveMacSpoofCheck(FirewallOwner owner) => _bridge.RemoveMacSpoofCheck(owner);

    /// <inheritdoc/>
    public void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var keep = new HashSet<string>(valid.Select(v => FirewallOwner.AttachmentHash(v.ContainerId, v.IfName)), StringComparer.Ordinal);
        RemoveChains(state => state.ChainTags.Where(t => NftFirewall.IsStale(t.Value, network, keep)).Select(t => t.Key));
        _bridge.Collect(network, valid);
    }

    /// <summary>The restore text for one family: declare (and so flush) the chain, fill it, add the jumps.</summary>
    internal static string AddBatch(FirewallOwner owner, IReadOnlyList<Cidr> addresses, bool ipv6)
    {
        string chain = owner.IptablesChain;
        string comment = $"-m comment --comment \"{owner.Comment}\"";
        var b = new StringBuilder("*nat\n");
        b.Append(':').Append(chain).Append(" - [0:0]\n");
        foreach (var subnet in addresses.Select(a => a.NetworkCidr.ToString()).Distinct(StringComparer.Ordinal))
            b.Append($"-A {chain} -d {subnet} {comment} -j ACCEPT\n");
        b.Append($"-A {chain} ! -d {(ipv6 ? "ff00::/8" : "224.0.0.0/4")} {comment} -j MASQUERADE\n");
        foreach (var address in addresses)
            b.Append($"-A POSTROUTING -s {address.Address}/{(ipv6 ? 128 : 32)} {comment} -j {chain}\n");
        b.Append("COMMIT\n");
        return b.ToString();
    }

    /// <summary>Per family with tools installed: one read, then (only if something matches) one restore.</summary>
    private static void RemoveChains(Func<IptablesNatState, IEnumerable<string>> select)
    {
        foreach (bool ipv6 in new[] { false, true })
        {
            var tool = IptablesTool.Find(ipv6);
            if (tool == null) continue; // nothing can have been added through a missing tool
            var state = IptablesNatState.Parse(tool.SaveNat());
            string batch = state.RemovalBatch(select(state));
            if (batch.Length > 0) tool.Restore(batch);
        }
    }

    private static IptablesTool Tool(bool ipv6)
        => IptablesTool.Find(ipv6) ?? throw new FirewallException(
            $"ipMasqBackend iptables needs {(ipv6 ? "ip6tables" : "iptables")}-save and -restore, which are not installed");
}
