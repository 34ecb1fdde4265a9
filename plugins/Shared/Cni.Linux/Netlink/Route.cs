using System.Net;
using Cni.Linux.Net;

namespace Cni.Linux.Netlink;

/// <summary>RTPROT_* (linux/rtnetlink.h): who installed a route.</summary>
public enum RouteProtocol : byte
{
    Unspecified = 0,
    Redirect = 1,
    Kernel = 2,
    Boot = 3,
    Static = 4,
    Ra = 9,
    Dhcp = 16,
}

/// <summary>RTN_* (linux/rtnetlink.h).</summary>
public enum RouteType : byte
{
    Unspecified = 0,
    Unicast = 1,
    Local = 2,
    Broadcast = 3,
    Anycast = 4,
    Multicast = 5,
    Blackhole = 6,
    Unreachable = 7,
    Prohibit = 8,
    Throw = 9,
}

/// <summary>
/// A route, as `ip route` shows it. A default route is Destination 0.0.0.0/0 (or ::/0). Defaults match
/// `ip route add`: table main, protocol boot, type unicast, and scope chosen by the kernel's rule of thumb
/// (link without a gateway, universe with one) unless <see cref="Scope"/> is set.
/// </summary>
public sealed record Route(Cidr Destination)
{
    public const uint MainTable = 254;
    public const uint LocalTable = 255;

    public IPAddress? Gateway { get; init; }
    public int? LinkIndex { get; init; }
    public uint Table { get; init; } = MainTable;
    public NetworkScope? Scope { get; init; }
    /// <summary>RTA_PRIORITY, shown by `ip route` as "metric".</summary>
    public uint? Priority { get; init; }
    /// <summary>RTNH_F_ONLINK: use the gateway even if no route says it is reachable on the link.</summary>
    public bool OnLink { get; init; }
    public uint? Mtu { get; init; }
    public uint? AdvMss { get; init; }
    public RouteProtocol Protocol { get; init; } = RouteProtocol.Boot;
    public RouteType Type { get; init; } = RouteType.Unicast;
    /// <summary>RTA_PREFSRC ("src" in `ip route`).</summary>
    public IPAddress? Source { get; init; }
}
