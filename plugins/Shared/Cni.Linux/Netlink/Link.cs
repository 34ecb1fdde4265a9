using System.Net.NetworkInformation;

namespace Cni.Linux.Netlink;

/// <summary>ifi_flags bits (linux/if.h) that callers look at.</summary>
[Flags]
public enum LinkFlags : uint
{
    None = 0,
    Up = 0x1,
    Broadcast = 0x2,
    Loopback = 0x8,
    PointToPoint = 0x10,
    Running = 0x40,
    NoArp = 0x80,
    Promisc = 0x100,
    Multicast = 0x1000,
    LowerUp = 0x10000,
}

/// <summary>IFLA_OPERSTATE values (RFC 2863, linux/if.h).</summary>
public enum OperState : byte
{
    Unknown = 0,
    NotPresent = 1,
    Down = 2,
    LowerLayerDown = 3,
    Testing = 4,
    Dormant = 5,
    Up = 6,
}

/// <summary>A link as the kernel reports it (one RTM_NEWLINK message), like a line of `ip -d link show`.</summary>
public sealed record Link
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    /// <summary>IFLA_INFO_KIND ("veth", "bridge"...); null for physical devices and loopback.</summary>
    public string? Kind { get; init; }
    public PhysicalAddress? Mac { get; init; }
    public int Mtu { get; init; }
    public LinkFlags Flags { get; init; }
    public bool IsUp => (Flags & LinkFlags.Up) != 0;
    /// <summary>The bridge (or other master) this link is enslaved to.</summary>
    public int? MasterIndex { get; init; }
    public OperState OperState { get; init; }
    /// <summary>IFLA_LINK: a veth's peer index, a macvlan's parent. May refer to another namespace (see <see cref="NetNsId"/>).</summary>
    public int? ParentIndex { get; init; }
    /// <summary>IFLA_LINK_NETNSID: the peer/parent lives in the namespace with this id (relative to ours).</summary>
    public int? NetNsId { get; init; }
    /// <summary>The kind-specific settings read back (<see cref="BridgeLink"/>, <see cref="MacvlanLink"/>...), when decoded.</summary>
    public LinkSpec? Info { get; init; }
    /// <summary>
    /// net.ipv6.conf.DEV.accept_ra as the kernel reports it with the link (IFLA_AF_SPEC/AF_INET6/IFLA_INET6_CONF), so
    /// a caller can skip the /proc/sys write when it already has the wanted value; null when not reported (no IPv6).
    /// </summary>
    public int? Ipv6AcceptRa { get; init; }
}
