using Cni.Linux.Interop;
using Cni.Linux.Netlink;
using Cni.Linux.Nftables;

namespace Cni.Linux.Firewall;

/// <summary>
/// The firewall plugin's nftables backend (the default), native over netlink: ADD is one batch of the owner's
/// rules (plus, the first time, the table and chains); DEL/GC list our chains once and delete by handle.
/// <para>
/// An nftables accept cannot override a drop elsewhere: every base chain at the forward hook must let a
/// packet through. So when the namespace has an iptables filter FORWARD (where Docker and ufw put their
/// DROP policy), the per-container accepts are also inserted at the top of that FORWARD with one
/// iptables-restore batch, and removed from it on DEL/GC. Hosts without iptables pay nothing for this.
/// </para>
/// </summary>
public sealed class ForwardNftFirewall : IForwardFirewall
{
    private const int MaxDeleteAttempts = 3;

    public string Backend => Firewalls.Nftables;

    /// <inheritdoc/>
    public void Add(ForwardAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var rules = ForwardNftRules.For(attachment);
        if (rules.Count == 0) return;
        using (var nft = NftConnection.Open()) Commit(nft, rules);
        try
        {
            foreach (bool ipv6 in new[] { false, true })
                if (attachment.HasFamily(ipv6) && ForwardChainProbe.IptablesForwardExists(ipv6))
                    ForwardIptablesFirewall.AddForwardAccepts(attachment, ipv6);
        }
        catch
        {
            Remove(attachment.Owner);
            throw;
        }
    }

    /// <inheritdoc/>
    public void Remove(FirewallOwner owner)
    {
        Func<string, bool> mine = comment => comment.StartsWith(owner.Tag, StringComparison.Ordinal);
        RemoveNft(mine);
        foreach (bool ipv6 in new[] { false, true }) ForwardIptablesFirewall.RemoveFamily(ipv6, tag => tag == owner.Tag);
    }

    /// <inheritdoc/>
    public void Verify(ForwardAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var expected = ForwardNftRules.For(attachment);
        using var nft = NftConnection.Open();
        foreach (var chain in ForwardNftRules.AllChains)
        {
            int want = expected.Count(r => r.Family == chain.Family && r.Chain == chain.Name);
            if (want == 0) continue;
            int have = nft.ListRules(chain.Family, chain.Table, chain.Name)
                .Count(r => r.Comment != null && r.Comment.StartsWith(attachment.Owner.Tag, StringComparison.Ordinal));
            if (have < want)
                throw new FirewallException($"nftables chain {NftTransaction.Describe(chain.Family)} {chain.Table} {chain.Name} " +
                    $"has {have} of the {want} rules of {attachment.Owner.Comment}");
        }
    }

    /// <inheritdoc/>
    public void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var keep = new HashSet<string>(valid.Select(v => FirewallOwner.AttachmentHash(v.ContainerId, v.IfName)), StringComparer.Ordinal);
        RemoveNft(comment => NftFirewall.IsStale(comment, network, keep));
        foreach (bool ipv6 in new[] { false, true }) ForwardIptablesFirewall.RemoveFamily(ipv6, tag => NftFirewall.IsStale(tag, network, keep));
    }

    /// <summary>
    /// Rules only first: re-adding an existing table or base chain is not free (the kernel queues an update
    /// for each, and closing the socket then waits for their release: ~10 ms per ADD on a 6.x kernel), and
    /// after the first ADD they exist. ENOENT (table or chain missing, nothing applied) falls back to the full
    /// batch that creates them, idempotently, so concurrent first ADDs still all succeed.
    /// </summary>
    private static void Commit(NftConnection nft, List<NftRule> rules)
    {
        var rulesOnly = new NftTransaction();
        foreach (var rule in rules) rulesOnly.AddRule(rule);
        try
        {
            nft.Commit(rulesOnly);
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
        {
            nft.Commit(ForwardNftRules.AddBatch(rules));
        }
    }

    /// <summary>
    /// One listing of our chains, one batch of deletes by handle. ENOENT means a listed rule vanished before our
    /// commit (a concurrent DEL); the batch then changed nothing, so list again and retry.
    /// </summary>
    private static void RemoveNft(Func<string, bool> select)
    {
        using var nft = NftConnection.Open();
        for (int attempt = 1; ; attempt++)
        {
            var tx = new NftTransaction();
            foreach (var chain in ForwardNftRules.AllChains)
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
