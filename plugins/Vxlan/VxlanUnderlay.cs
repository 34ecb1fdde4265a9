using System.Net;
using System.Net.Sockets;
using Cni.Linux.Netlink;
using Cni.Sdk;
using Cni.Sdk.Iface;

namespace Cni.Plugins.Vxlan;

/// <summary>
/// The host side the overlay runs over: the underlay device, the local VTEP address on it, and the MTU the
/// overlay can carry (underlay MTU minus the encapsulation headers).
/// </summary>
public sealed record VxlanUnderlay(Link Device, IPAddress Local)
{
    public int Overhead => Local.AddressFamily == AddressFamily.InterNetworkV6 ? VxlanConfig.OverheadV6 : VxlanConfig.OverheadV4;

    /// <summary>The configured MTU, else the underlay's minus the overhead; a configured MTU that cannot fit is a config error (7).</summary>
    public int MtuFor(VxlanConfig config)
    {
        int max = Device.Mtu - Overhead;
        if (config.Bridge.Mtu == 0) return max;
        if (config.Bridge.Mtu > max)
            throw new CniException(CniErrorCode.InvalidNetworkConfig,
                $"vxlan: mtu {config.Bridge.Mtu} does not fit underlay {Device.Name} (MTU {Device.Mtu} minus {Overhead} bytes of VXLAN headers = {max})");
        return config.Bridge.Mtu;
    }

    /// <summary>
    /// Finds the underlay (configured, else the default route's interface) and the local address (configured
    /// and present on it, else its first global address of the peers' family, IPv4 first). Not ready (50)
    /// when either is missing: no ADD can succeed until the host's network is up.
    /// </summary>
    public static VxlanUnderlay Resolve(RouteNetlink hostNl, VxlanConfig config)
    {
        string name = config.Underlay ?? ParentMaster.DefaultRouteInterface(hostNl)
            ?? throw NotReady("no \"underlay\" configured and no default route to take it from");
        if (!hostNl.TryGetLink(name, out var device)) throw NotReady($"underlay device {name} not found");

        var addresses = hostNl.ListAddresses(device.Index)
            .Where(a => a.Scope == NetworkScope.Universe).Select(a => a.Cidr.Address).ToList();
        if (config.LocalIp is { } wanted)
        {
            if (!addresses.Contains(wanted)) throw NotReady($"localIP {wanted} is not an address of underlay {name}");
            return new VxlanUnderlay(device, wanted);
        }
        var family = PeerFamily(config);
        var local = addresses.Where(a => family == null || a.AddressFamily == family)
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault()
            ?? throw NotReady($"underlay {name} has no global {(family == AddressFamily.InterNetworkV6 ? "IPv6 " : family == null ? "" : "IPv4 ")}address to use as the local VTEP address");
        return new VxlanUnderlay(device, local);
    }

    /// <summary>The family the peers or the group dictate; null when there is nothing to go by.</summary>
    private static AddressFamily? PeerFamily(VxlanConfig config)
    {
        if (config.Group is { } g) return g.AddressFamily;
        return config.PeerSource is StaticPeerSource s && s.Peers().Count > 0 ? s.Peers()[0].AddressFamily : null;
    }

    private static CniException NotReady(string msg) => new(CniErrorCode.NotReady, "vxlan: " + msg);
}
