using Cni.Linux.Interop;
using Cni.Linux.Netlink;
using Cni.Linux.Nftables;

namespace Cni.Linux.Firewall;

/// <summary>
/// Does the calling thread's namespace have an iptables `filter FORWARD` chain, i.e. a place where a DROP
/// policy (Docker, ufw) or DROP rule can sit that no nftables accept of ours can override? Legacy tables
/// show in /proc/thread-self/net/ip{,6}_tables_names; iptables-nft keeps FORWARD as an nf_tables base chain
/// in table `ip filter` / `ip6 filter`, which one netlink GET answers. No exec.
/// </summary>
internal static class ForwardChainProbe
{
    public static bool IptablesForwardExists(bool ipv6)
        => LegacyTableExists(ipv6, "filter") || NftChainExists(ipv6 ? NftFamily.Ip6 : NftFamily.Ip, "filter", "FORWARD");

    /// <summary>An x_tables (legacy) table instantiated in this namespace; iptables-nft does not appear there.</summary>
    public static bool LegacyTableExists(bool ipv6, string table)
    {
        try
        {
            foreach (var line in File.ReadLines(ipv6 ? "/proc/thread-self/net/ip6_tables_names" : "/proc/thread-self/net/ip_tables_names"))
                if (line.Trim() == table) return true;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return false;
    }

    /// <summary>`nft list chain FAMILY TABLE CHAIN` succeeds: a GETCHAIN answered with the chain, not ENOENT.</summary>
    public static bool NftChainExists(NftFamily family, string table, string chain)
    {
        using var socket = NetlinkSocket.Open(NetlinkSocket.NETLINK_NETFILTER);
        var w = NftMessages.Start(NftConst.NFT_MSG_GETCHAIN, 0, family);
        try
        {
            w.AttributeString(NftConst.NFTA_CHAIN_TABLE, table);
            w.AttributeString(NftConst.NFTA_CHAIN_NAME, chain);
            // ENOENT (no such table or chain, the usual answer) is "no", without an exception.
            var found = socket.TryQuery(ref w, $"get chain {NftTransaction.Describe(family)} {table} {chain}",
                m => m.Type == NftConst.MessageType(NftConst.NFT_MSG_NEWCHAIN) ? chain : null, Errno.ENOENT);
            return found is { Count: > 0 };
        }
        finally { w.Dispose(); }
    }
}
