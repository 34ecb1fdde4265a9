using System.Net.NetworkInformation;
using Cni.Linux.Interop;
using Cni.Linux.Net;
using Cni.Linux.Netlink;
using Cni.Linux.Nftables;

namespace Cni.Linux.Firewall;

/// <summary>
/// The nftables backend, native over netlink. ADD is one batch appending this owner's rules, preceded by
/// table + base chain (idempotent, no EXCL, so concurrent ADDs never collide) only when they are missing
/// (see <see cref="NftRuleCommit"/> for why not always). DEL and GC list the chain
/// once (handle + comment) and delete the selected rules by handle in one batch. Tables and chains are
/// left in place when they become empty: deleting them would race with a concurrent ADD. One netlink socket
/// serves every call, opened at the first (in that thread's netns) and closed by Dispose: the kernel frees
/// deleted rules after an RCU grace period, in the background, and closing the socket waits for that, so the
/// owner closes it after its other slow work rather than right after the commit.
/// </summary>
public sealed class NftFirewall : IFirewall
{
    private const int MaxDeleteAttempts = 3;
    private NftConnection? _nft;

    private NftConnection Connection => _nft ??= NftConnection.Open();

    /// <summary>Closes the socket, if one was opened; the object can still be used (a new socket is opened).</summary>
    public void Dispose()
    {
        _nft?.Dispose();
        _nft = null;
    }

    public string Backend => "nftables";

    /// <inheritdoc/>
    public void AddMasquerade(FirewallOwner owner, IReadOnlyList<Cidr> containerAddresses)
    {
        ArgumentNullException.ThrowIfNull(containerAddresses);
        if (containerAddresses.Count == 0) return;
        NftRuleCommit.Commit(Connection, NftFirewallRules.MasqTable, [NftFirewallRules.MasqChain], tx =>
        {
            foreach (var address in containerAddresses) tx.AddRule(NftFirewallRules.Masquerade(owner, address));
        });
    }

    /// <inheritdoc/>
    public void RemoveMasquerade(FirewallOwner owner)
        => Remove([NftFirewallRules.MasqChain], comment => comment.StartsWith(owner.Tag, StringComparison.Ordinal));

    /// <inheritdoc/>
    public void AddMacSpoofCheck(FirewallOwner owner, string hostIfName, PhysicalAddress mac)
    {
        NftRuleCommit.Commit(Connection, NftFirewallRules.SpoofTable, [NftFirewallRules.SpoofChain],
            tx => tx.AddRule(NftFirewallRules.MacSpoofCheck(owner, hostIfName, mac)));
    }

    /// <inheritdoc/>
    public void RemoveMacSpoofCheck(FirewallOwner owner)
        => Remove([NftFirewallRules.SpoofChain], comment => comment.StartsWith(owner.Tag, StringComparison.Ordinal));

    /// <inheritdoc/>
    public void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var keep = new HashSet<string>(valid.Select(v => FirewallOwner.AttachmentHash(v.ContainerId, v.IfName)), StringComparer.Ordinal);
        Remove([NftFirewallRules.MasqChain, NftFirewallRules.SpoofChain], comment => IsStale(comment, network, keep));
    }

    /// <summary>A rule of <paramref name="network"/> whose attachment hash is not among those to keep.</summary>
    internal static bool IsStale(string comment, string network, HashSet<string> keep)
    {
        string prefix = FirewallOwner.NetworkTagOf(network);
        if (!comment.StartsWith(prefix, StringComparison.Ordinal) || comment.Length < prefix.Length + 16) return false;
        return !keep.Contains(comment.Substring(prefix.Length, 16));
    }

    /// <summary>
    /// Lists each chain, deletes every rule whose comment <paramref name="select"/> picks, in one batch.
    /// ENOENT means someone else removed a listed rule (or the table) between our list and our commit; the
    /// batch was then not applied at all, so listing again and retrying is safe.
    /// </summary>
    private void Remove(NftChain[] chains, Func<string, bool> select)
    {
        var nft = Connection;
        for (int attempt = 1; ; attempt++)
        {
            var tx = new NftTransaction();
            foreach (var chain in chains)
                foreach (var rule in nft.ListRules(chain.Family, chain.Table, chain.Name))
                    if (rule.Comment != null && select(rule.Comment)) tx.DeleteRule(rule);
            try
            {
                nft.Commit(tx);
                return;
            }
            catch (NetlinkException e) when (e.Errno == Errno.ENOENT && attempt < MaxDeleteAttempts)
            {
            }
        }
    }
}
