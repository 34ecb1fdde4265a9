namespace Cni.Linux.Nftables;

/// <summary>nf_tables address families (NFPROTO_* in linux/netfilter.h), as written after `nft add table`.</summary>
public enum NftFamily : byte
{
    Unspec = 0,
    /// <summary>`inet`: IPv4 and IPv6 in one table.</summary>
    Inet = 1,
    /// <summary>`ip`</summary>
    Ip = 2,
    Arp = 3,
    Netdev = 5,
    /// <summary>`bridge`: frames crossing a Linux bridge.</summary>
    Bridge = 7,
    /// <summary>`ip6`</summary>
    Ip6 = 10,
}
