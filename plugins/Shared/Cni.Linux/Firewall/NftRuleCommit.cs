using Cni.Linux.Interop;
using Cni.Linux.Netlink;
using Cni.Linux.Nftables;

namespace Cni.Linux.Firewall;

/// <summary>
/// Commits rule changes without re-declaring a table and chains that already exist. Re-adding an existing
/// table or base chain is not free: the kernel records an update transaction for each, releases it only after
/// an RCU grace period, and closing (or exiting with) the nfnetlink socket then waits for that release
/// (nft_rcv_nl_event flushes the destroy work): ~8-15 ms per plugin call on this 2-core 6.x host. Added rules
/// leave nothing to release, so a rules-only batch closes at once. The table and chains exist after the first
/// ADD; until then the rules-only batch fails with ENOENT, changes nothing, and the full batch (table, chains,
/// rules; idempotent, so concurrent first ADDs all succeed) follows.
/// </summary>
internal static class NftRuleCommit
{
    /// <summary>
    /// Runs <paramref name="body"/> (rule adds and deletes) as one batch; if the table or a chain is missing,
    /// again as one batch behind <paramref name="table"/> and <paramref name="chains"/>.
    /// </summary>
    public static void Commit(NftConnection nft, NftTable table, IEnumerable<NftChain> chains, Action<NftTransaction> body)
    {
        var rulesOnly = new NftTransaction();
        body(rulesOnly);
        if (rulesOnly.Count == 0) return;
        try
        {
            nft.Commit(rulesOnly);
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
        {
            var full = new NftTransaction().AddTable(table);
            foreach (var chain in chains) full.AddChain(chain);
            body(full);
            nft.Commit(full);
        }
    }
}
