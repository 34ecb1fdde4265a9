namespace Cni.Linux.Interop;

/// <summary>Constants from linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h, linux/neighbour.h, linux/veth.h.</summary>
internal static class Rtnl
{
    public const ushort RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18;
    public const ushort RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
    public const ushort RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_GETROUTE = 26;
    public const ushort RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29, RTM_GETNEIGH = 30;

    // if_link.h: top-level link attributes.
    public const ushort IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_LINK = 5, IFLA_MASTER = 10,
        IFLA_TXQLEN = 13, IFLA_OPERSTATE = 16, IFLA_LINKINFO = 18, IFLA_NET_NS_FD = 28, IFLA_EXT_MASK = 29,
        IFLA_LINK_NETNSID = 37;
    public const ushort IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2;
    public const ushort VETH_INFO_PEER = 1;
    public const ushort IFLA_BR_VLAN_FILTERING = 7;
    public const ushort IFLA_MACVLAN_MODE = 1, IFLA_MACVLAN_FLAGS = 2;
    public const ushort IFLA_IPVLAN_MODE = 1, IFLA_IPVLAN_FLAGS = 2;
    public const ushort IFLA_VXLAN_ID = 1, IFLA_VXLAN_GROUP = 2, IFLA_VXLAN_LINK = 3, IFLA_VXLAN_LOCAL = 4,
        IFLA_VXLAN_TTL = 5, IFLA_VXLAN_LEARNING = 7, IFLA_VXLAN_PORT = 15, IFLA_VXLAN_GROUP6 = 16,
        IFLA_VXLAN_LOCAL6 = 17;

    // if_addr.h
    public const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4, IFA_FLAGS = 8;

    // rtnetlink.h: routes.
    public const ushort RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6, RTA_PREFSRC = 7,
        RTA_METRICS = 8, RTA_TABLE = 15;
    public const ushort RTAX_MTU = 2, RTAX_ADVMSS = 8;
    public const uint RTNH_F_ONLINK = 4;
    public const uint RTM_F_CLONED = 0x200;
    public const byte RT_TABLE_UNSPEC = 0;
    public const byte RT_SCOPE_NOWHERE = 255;

    // if_bridge.h / if_link.h: bridge ports (AF_BRIDGE family).
    public const ushort RTM_SETLINK = 19;
    public const ushort IFLA_PROTINFO = 12, IFLA_AF_SPEC = 26;
    // if_link.h / ip.h: per-device IPv4 settings inside IFLA_AF_SPEC / AF_INET (the net.ipv4.conf.DEV.* keys).
    public const ushort AF_INET_SPEC = 2, IFLA_INET_CONF = 1, IPV4_DEVCONF_ARP_NOTIFY = 22;
    // if_link.h / ipv6.h: per-device IPv6 settings inside IFLA_AF_SPEC / AF_INET6: IFLA_INET6_CONF is an array of
    // s32 indexed by DEVCONF_* (the net.ipv6.conf.DEV.* keys). Read-only: the kernel takes no IPv6 devconf writes.
    public const ushort AF_INET6_SPEC = 10, IFLA_INET6_CONF = 2;
    public const int DEVCONF_ACCEPT_RA = 3;

    // netconf.h: RTM_GETNETCONF, the forwarding switches of a family (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding).
    public const ushort RTM_NEWNETCONF = 80, RTM_GETNETCONF = 82;
    public const ushort NETCONFA_IFINDEX = 1, NETCONFA_FORWARDING = 2;
    public const int NETCONFA_IFINDEX_ALL = -1;
    public const ushort IFLA_BRPORT_MODE = 4, IFLA_BRPORT_LEARNING = 8, IFLA_BRPORT_UNICAST_FLOOD = 9,
        IFLA_BRPORT_ISOLATED = 33;
    public const ushort IFLA_BRIDGE_FLAGS = 0, IFLA_BRIDGE_VLAN_INFO = 2;
    public const ushort BRIDGE_FLAGS_MASTER = 1;
    public const ushort BRIDGE_VLAN_INFO_PVID = 2, BRIDGE_VLAN_INFO_UNTAGGED = 4, BRIDGE_VLAN_INFO_RANGE_BEGIN = 8,
        BRIDGE_VLAN_INFO_RANGE_END = 16;
    public const uint RTEXT_FILTER_BRVLAN = 2;

    // neighbour.h
    public const ushort NDA_DST = 1, NDA_LLADDR = 2, NDA_VLAN = 5, NDA_MASTER = 9;
}
