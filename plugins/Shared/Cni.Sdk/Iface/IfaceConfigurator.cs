using System.Net;
using System.Net.Sockets;
using Cni.Linux.Net;
using Cni.Linux.Netlink;
using Cni.Linux.Netns;
using Cni.Linux.Sysctl;

namespace Cni.Sdk.Iface;

/// <summary>
/// Applies an IPAM result to a container interface, as the reference's ConfigureIface does: IPv6 switched on
/// where needed, addresses added, link up, tentative IPv6 addresses settled when there is a v6 gateway, then
/// the result's routes (a missing gw filled with the first gateway of the route's family).
/// </summary>
public static class IfaceConfigurator
{
    /// <summary>How long <see cref="SettleAddresses"/> waits for IPv6 DAD to finish.</summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Configures <paramref name="ifName"/> inside <paramref name="netns"/> (reached through <paramref name="nl"/>,
    /// a socket opened there). Only IPs whose <c>interface</c> index is set are applied; every such index must
    /// name <paramref name="ifName"/> in <c>result.interfaces</c>; anything else is a plugin bug (999).
    /// </summary>
    public static void Configure(NetNs netns, RouteNetlink nl, string ifName, Result result)
    {
        var link = nl.GetLink(ifName);
        var ips = new List<IpConfig>();
        foreach (var ip in result.Ips)
        {
            if (ip.Interface is not int i) continue;
            if (i < 0 || i >= result.Interfaces.Count || result.Interfaces[i].Name != ifName)
                throw new CniException(CniErrorCode.Internal, $"failed to add IP address {ip.Address} to {ifName}: invalid interface index {i}");
            ips.Add(ip);
        }

        if (ips.Any(ip => !ip.Address.IsIPv4)) EnableIPv6(netns, ifName);

        foreach (var ip in ips)
        {
            try { nl.AddAddress(new InterfaceAddress(link.Index, ip.Address)); }
            catch (NetlinkException e)
            {
                throw new CniException(CniErrorCode.Internal, $"failed to add IP address {ip.Address} to {ifName} in {netns.Path}", e.Message, e);
            }
        }

        nl.SetLinkUp(link.Index);

        // Routes via a v6 gateway fail with EADDRNOTAVAIL while our source address is still tentative.
        if (ips.Any(ip => ip.Gateway is { AddressFamily: AddressFamily.InterNetworkV6 }))
            SettleAddresses(nl, link.Index, ifName, SettleTimeout);

        var gw4 = ips.FirstOrDefault(ip => ip.Address.IsIPv4 && ip.Gateway != null)?.Gateway;
        var gw6 = ips.FirstOrDefault(ip => !ip.Address.IsIPv4 && ip.Gateway != null)?.Gateway;
        foreach (var r in result.Routes)
        {
            var gw = r.Gw ?? (r.Dst.IsIPv4 ? gw4 : gw6);
            var route = ToKernelRoute(r, gw, link.Index);
            try { nl.AppendRoute(route); }
            catch (NetlinkException e)
            {
                throw new CniException(CniErrorCode.Internal, $"failed to add route {r.Dst} via {gw?.ToString() ?? "(none)"} dev {ifName} in {netns.Path}", e.Message, e);
            }
        }
    }

    /// <summary>
    /// CHECK's side of <see cref="Configure"/>: <paramref name="link"/> carries every address prevResult gives the
    /// interface at <paramref name="interfaceIndex"/>, and every prevResult route exists in the namespace (any
    /// table, gateway compared when the route names one). Returns what is missing, or null.
    /// </summary>
    public static string? Mismatch(RouteNetlink nl, Link link, Result prev, int interfaceIndex)
    {
        var present = nl.ListAddresses(link.Index);
        foreach (var ip in prev.Ips.Where(ip => ip.Interface == interfaceIndex))
        {
            if (!present.Any(a => a.Cidr.Address.Equals(ip.Address.Address) && a.Cidr.PrefixLength == ip.Address.PrefixLength))
                return $"interface {link.Name}: address {ip.Address} not found";
        }

        if (prev.Routes.Count == 0) return null;
        var routes = nl.ListRoutes(table: null);
        foreach (var r in prev.Routes)
        {
            var dst = r.Dst.NetworkCidr;
            bool found = routes.Any(k => k.Destination.PrefixLength == dst.PrefixLength && k.Destination.Network.Equals(dst.Address)
                                         && (r.Gw is null || r.Gw.Equals(k.Gateway)));
            if (!found) return $"route {r.Dst} via {r.Gw?.ToString() ?? "(interface)"} not found in the container";
        }
        return null;
    }

    /// <summary>The kernel route for a result route (what <see cref="Configure"/> installs and CHECK looks for).</summary>
    public static Cni.Linux.Netlink.Route ToKernelRoute(Route r, IPAddress? gateway, int linkIndex) => new(r.Dst.NetworkCidr)
    {
        Gateway = gateway,
        LinkIndex = linkIndex,
        Priority = r.Priority is int p ? (uint)p : null,
        Table = r.Table is int t && t > 0 ? (uint)t : Cni.Linux.Netlink.Route.MainTable,
        Scope = r.Scope is int s ? (NetworkScope)s : null,
        Mtu = r.Mtu is int m && m > 0 ? (uint)m : null,
        AdvMss = r.AdvMss is int a && a > 0 ? (uint)a : null,
    };

    /// <summary>
    /// IPv6 may be disabled in a fresh namespace (or for lo), and an interface that loses its addresses when
    /// taken down would silently drop the result's addresses on the next down/up: undo both, like the reference.
    /// </summary>
    private static void EnableIPv6(NetNs netns, string ifName) => netns.Run(() =>
    {
        foreach (var dev in new[] { "lo", ifName })
            WriteIfDifferent($"net/ipv6/conf/{dev}/disable_ipv6", "0");
        WriteIfDifferent($"net/ipv6/conf/{ifName}/keep_addr_on_down", "1");
    });

    /// <summary>
    /// net.ipv4.conf.DEV.arp_notify=1, so the kernel announces the link's new addresses (gratuitous ARP) once it
    /// is up; set over netlink, which unlike a /proc/sys path costs the same on a node with thousands of
    /// namespaces. Best effort, like the reference's sysctl write: a device without IPv4 settings keeps none.
    /// </summary>
    public static void EnableArpNotify(RouteNetlink nl, int linkIndex)
    {
        try { nl.SetArpNotify(linkIndex, true); }
        catch (NetlinkException) { }
    }

    /// <summary>Writes a sysctl only when it differs: /proc/sys writes are not free and some are not idempotent.</summary>
    public static void WriteIfDifferent(string key, string value) => ProcSys.WriteIfDifferent(key, value);

    /// <summary>
    /// <see cref="WriteIfDifferent"/> for a key that may not exist (a namespace or device with IPv6 off has no
    /// net/ipv6/conf/X): then there is nothing to set, as in the reference, which ignores those errors.
    /// </summary>
    public static void TryWriteIfDifferent(string key, string value) => ProcSys.WriteIfDifferent(key, value, missingOk: true);

    /// <summary>
    /// Waits until no IPv6 address on the link is tentative (duplicate address detection done), polling every
    /// 50 ms up to <paramref name="timeout"/>. A DADFAILED address means another host owns it: fails at once.
    /// </summary>
    public static void SettleAddresses(RouteNetlink nl, int linkIndex, string ifName, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            bool tentative = false;
            foreach (var a in nl.ListAddresses(linkIndex, AddressFamily.InterNetworkV6))
            {
                if ((a.Flags & AddressFlags.DadFailed) != 0)
                    throw new CniException(CniErrorCode.Internal, $"{ifName}: IPv6 address {a.Cidr} failed duplicate address detection");
                if ((a.Flags & AddressFlags.Tentative) != 0) tentative = true;
            }
            if (!tentative) return;
            if (DateTime.UtcNow >= deadline)
                throw new CniException(CniErrorCode.Internal, $"{ifName}: IPv6 addresses still tentative after {timeout.TotalSeconds:0} s");
            Thread.Sleep(50);
        }
    }
}
