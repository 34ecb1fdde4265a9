using System.Net.Sockets;
using Cni.Linux.Net;
using Cni.Linux.Netlink;
using Cni.Linux.Sysctl;
using Cni.Sdk;

namespace Cni.Plugins.Portmap;

/// <summary>
/// `net.ipv4.conf.DEV.route_localnet=1` on the host interface that routes to the container, so a connection to
/// 127.0.0.1:HOSTPORT, once DNATed, may leave with a loopback source (the kernel otherwise drops it as a martian)
/// until the masquerade rewrites it. The reference does the same; the value is left set on DEL, as there, since
/// other containers behind the same bridge rely on it.
/// </summary>
internal static class PortmapLocalnet
{
    /// <summary>Runs in the calling thread's (the host's) namespace; returns the interface it enabled.</summary>
    public static string Enable(Cidr container)
    {
        using var nl = RouteNetlink.Open();
        var route = nl.ListRoutes(AddressFamily.InterNetwork)
            .Where(r => r.LinkIndex != null && r.Type == RouteType.Unicast && r.Destination.Contains(container.Address))
            .OrderByDescending(r => r.Destination.PrefixLength)
            .FirstOrDefault()
            ?? throw new CniException(CniErrorCode.Internal, $"portmap: no route to the container address {container.Address} in the host namespace");
        string dev = nl.GetLink(route.LinkIndex!.Value).Name;
        try
        {
            ProcSys.Write($"net/ipv4/conf/{dev}/route_localnet", "1");
        }
        catch (IOException e)
        {
            throw new CniException(CniErrorCode.IoFailure, $"portmap: enable route_localnet on {dev} for 127.0.0.1 mappings: {e.Message}");
        }
        return dev;
    }
}
