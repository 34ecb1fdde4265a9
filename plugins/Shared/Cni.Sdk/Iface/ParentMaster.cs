using System.Net.Sockets;
using Cni.Linux.Netlink;

namespace Cni.Sdk.Iface;

/// <summary>Finds the master (parent) link of a macvlan/ipvlan: named, or the interface of the default route.</summary>
public static class ParentMaster
{
    /// <summary>
    /// The interface of the first default route (IPv4 first, then IPv6) in the main table of the namespace
    /// <paramref name="nl"/> is in; null when there is none. Same choice as the reference's default master.
    /// </summary>
    public static string? DefaultRouteInterface(RouteNetlink nl)
    {
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            foreach (var r in nl.ListRoutes(family))
            {
                if (r.Destination.PrefixLength != 0 || r.LinkIndex is not int index || index <= 0) continue;
                try { return nl.GetLink(index).Name; }
                catch (LinkNotFoundException) { }
            }
        }
        return null;
    }

    /// <summary>
    /// The master's name for ADD/CHECK/STATUS: the configured one, else <paramref name="chained"/> (ipvlan's
    /// prevResult interface), else the default route's interface. Throws 7 when there is no default route.
    /// </summary>
    public static string Name(ParentLinkConfig config, RouteNetlink nl, string? chained, string plugin)
    {
        if (config.Master is { } m) return m;
        if (chained != null) return chained;
        return DefaultRouteInterface(nl) ?? throw new CniException(CniErrorCode.InvalidNetworkConfig,
            $"{plugin}: no \"master\" configured and no default route {(config.LinkInContainer ? "in the container" : "on the host")} to take it from");
    }

    /// <summary>The configured MTU must fit the master (a bigger one would be refused by the kernel, or worse, accepted and dropped).</summary>
    public static void CheckMtu(ParentLinkConfig config, Link master, string plugin)
    {
        if (config.Mtu > master.Mtu)
            throw new CniException(CniErrorCode.InvalidNetworkConfig,
                $"{plugin}: invalid MTU {config.Mtu}, must be [0, master {master.Name} MTU({master.Mtu})]");
    }
}
