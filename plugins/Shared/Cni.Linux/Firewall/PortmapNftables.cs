using Cni.Linux.Interop;
using Cni.Linux.Netlink;
using Cni.Linux.Nftables;

namespace Cni.Linux.Firewall;

/// <summary>
/// The nftables backend, native over netlink. ADD: under the namespace lock, list the prerouting chain (handle +
/// comment), refuse a port another owner holds, then one batch: delete the owner's previous rules (a repeated
/// ADD replaces, never duplicates) and add the new ones, with table and chains only when missing. DEL/GC:
/// list, then one batch of deletes by handle. Table and chains stay when empty: deleting them would race a concurrent ADD.
/// </summary>
internal sealed class PortmapNftables : PortmapFirewall
{
    private const int MaxDeleteAttempts = 3;

    public override string Backend => Nftables;

    public override void Add(FirewallOwner owner, PortmapSpec spec)
    {
        var v4Conditions = PortmapNftConditions.Parse(spec.ConditionsV4, ipv4: true);
        var v6Conditions = PortmapNftConditions.Parse(spec.ConditionsV6, ipv4: false);
        using var nsLock = LockNamespace();
        using var nft = NftConnection.Open();
        // Every port is claimed in prerouting, so one dump answers "who holds what". An owner's rules are written
        // in one batch, so it has rules in the other chains only if it has some here: only a re-ADD lists them too.
        var prerouting = nft.ListRules(PortmapNftRules.Prerouting.Family, PortmapNftRules.Table.Name, PortmapNftRules.Prerouting.Name);
        EnsureFree(owner, spec, prerouting.Select(r => (PortmapClaim.TryParse(r.Comment), r.Comment))
            .Where(c => c.Item1 != null).Select(c => (c.Item1!, c.Comment!)));
        var previous = prerouting.Any(r => IsOwners(r, owner)) ? ListAll(nft).Where(r => IsOwners(r, owner)).ToList() : [];

        // Table and chains only when missing: see NftRuleCommit (re-declaring them costs a grace period at exit).
        NftRuleCommit.Commit(nft, PortmapNftRules.Table, PortmapNftRules.Chains, tx =>
        {
            foreach (var rule in previous) tx.DeleteRule(rule);
            foreach (var entry in spec.Entries)
            {
                var conditions = entry.IsIPv4 ? v4Conditions : v6Conditions;
                tx.AddRule(PortmapNftRules.Dnat(PortmapNftRules.Prerouting, owner, entry, conditions));
                tx.AddRule(PortmapNftRules.Dnat(PortmapNftRules.Output, owner, entry, conditions));
            }
            if (spec.Snat)
            {
                foreach (var address in spec.ContainerAddresses.Where(a => spec.Entries.Any(e => e.ContainerAddress.Equals(a.Address))))
                {
                    if (spec.MasqAll)
                    {
                        tx.AddRule(PortmapNftRules.Masquerade(owner, address, null, "all"));
                        continue;
                    }
                    tx.AddRule(PortmapNftRules.Masquerade(owner, address, address.NetworkCidr, "hairpin"));
                    if (address.IsIPv4) tx.AddRule(PortmapNftRules.Masquerade(owner, address, PortmapNftRules.LocalhostV4, "localhost"));
                }
            }
        });
    }

    public override void Remove(FirewallOwner owner) => Remove(rule => IsOwners(rule, owner));

    public override IReadOnlyList<PortmapClaim> Claims(FirewallOwner owner)
    {
        using var nft = NftConnection.Open();
        var prerouting = nft.ListRules(PortmapNftRules.Prerouting.Family, PortmapNftRules.Table.Name, PortmapNftRules.Prerouting.Name);
        var output = nft.ListRules(PortmapNftRules.Output.Family, PortmapNftRules.Table.Name, PortmapNftRules.Output.Name);
        // A port counts as published only when both hooks carry it: prerouting for other hosts, output for this one.
        var fromOutput = output.Select(r => PortmapClaim.TryParse(r.Comment)).Where(c => c?.OwnerTag == owner.Tag).ToHashSet();
        return prerouting.Select(r => PortmapClaim.TryParse(r.Comment)).Where(c => c?.OwnerTag == owner.Tag && fromOutput.Contains(c))
            .Select(c => c!).ToList();
    }

    public override void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var keep = KeepSet(valid);
        Remove(rule => rule.Comment != null && NftFirewall.IsStale(rule.Comment, network, keep));
    }

    private static bool IsOwners(NftRuleInfo rule, FirewallOwner owner)
        => rule.Comment != null && rule.Comment.StartsWith(owner.Tag, StringComparison.Ordinal);

    private static List<NftRuleInfo> ListAll(NftConnection nft)
        => PortmapNftRules.Chains.SelectMany(c => nft.ListRules(c.Family, c.Table, c.Name)).ToList();

    /// <summary>ENOENT: a listed rule vanished before our commit (a concurrent DEL); nothing applied, list again.</summary>
    private static void Remove(Func<NftRuleInfo, bool> select)
    {
        using var nft = NftConnection.Open();
        for (int attempt = 1; ; attempt++)
        {
            var tx = new NftTransaction();
            foreach (var rule in ListAll(nft).Where(select)) tx.DeleteRule(rule);
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
