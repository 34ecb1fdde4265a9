using System.Net.Sockets;
using Cni.Linux.Net;
using Cni.Linux.Netlink;
using Cni.Sdk;
using Cni.Sdk.Iface;

namespace Cni.Plugins.Bridge;

/// <summary>
/// The host-side bridge steps: ensure the bridge, put gateway addresses on it, switch forwarding on, wait for
/// a port to come up. Every step tolerates a concurrent ADD doing the same thing at the same moment, because
/// runtimes start many containers on a brand-new network at once (#366, #620, podman#12306).
/// </summary>
public static class BridgeDevice
{
    /// <summary>
    /// Returns the bridge named in the config, creating it when missing. A bridge we create gets a fixed random
    /// MAC, so its address never follows "the lowest port MAC" as ports come and go; that tracking is what
    /// made the reference re-set the MAC after every ADD and fail under concurrency (#620). Creation racing
    /// another ADD ends in EEXIST, which just means "use theirs". An existing bridge's MTU and vlan_filtering
    /// are left alone (the reference does not reconcile them either).
    /// </summary>
    public static Link Ensure(RouteNetlink hostNl, BridgeConfig config)
    {
        string name = config.BridgeName;
        bool created = false;
        if (!hostNl.TryGetLink(name, out var link))
        {
            try
            {
                link = hostNl.CreateLink(new BridgeLink
                {
                    Name = name,
                    Mtu = config.Mtu > 0 ? config.Mtu : null,
                    Mac = VethPair.RandomMac(),
                    VlanFiltering = config.UsesVlanFiltering ? true : null,
                });
                created = true;
            }
            catch (NetlinkException e) when (e.ErrnoName == "EEXIST")
            {
                link = hostNl.GetLink(name);
            }
            catch (NetlinkException e)
            {
                throw new CniException(CniErrorCode.Internal, $"failed to create bridge {name}", e.Message, e);
            }
        }
        var bridge = link!;
        if (bridge.Kind != "bridge")
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"{name} already exists but is not a bridge (it is a {bridge.Kind ?? "device"} link)");

        if (!created) PinMac(hostNl, bridge); // the same address it has: the link as read stays true
        bool changed = false;
        if (config.PromiscMode && (bridge.Flags & LinkFlags.Promisc) == 0)
        {
            hostNl.SetLinkPromisc(bridge.Index, true);
            changed = true;
        }
        // The bridge routes for its containers; it must not configure itself from router adverts. The link reply
        // carries the current value, so only a bridge that still has it on costs a /proc/sys write (whose path
        // lookup grows with the number of namespaces on the node).
        if (bridge.Ipv6AcceptRa != 0) IfaceConfigurator.TryWriteIfDifferent($"net/ipv6/conf/{name}/accept_ra", "0");
        if (!bridge.IsUp)
        {
            hostNl.SetLinkUp(bridge.Index);
            changed = true;
        }
        // Read back only what changed; on every ADD after the first, the bridge is as it was read above.
        return changed ? hostNl.GetLink(bridge.Index) : bridge;
    }

    /// <summary>
    /// A bridge someone else created (an older plugin, a person) may still track its lowest port's MAC; setting
    /// the address explicitly, to the value it already has, stops that. Best effort: a failure only means the
    /// MAC may still change, which is how the bridge behaved before we came.
    /// </summary>
    private static void PinMac(RouteNetlink hostNl, Link bridge)
    {
        if (bridge.Mac is null || bridge.Mac.GetAddressBytes().All(b => b == 0)) return;
        try { hostNl.SetLinkMac(bridge.Index, bridge.Mac); }
        catch (NetlinkException) { }
    }

    /// <summary>
    /// Puts <paramref name="gateway"/> on <paramref name="link"/> (the reference's ensureAddr): the exact
    /// address already present is success; IPv4 allows one address, IPv6 several non-overlapping prefixes; a
    /// conflicting address fails unless <paramref name="forceAddress"/>, which replaces it. EEXIST from a
    /// concurrent ADD adding the same address is success (#366). IPv6 gateways skip DAD: the address is ours
    /// by configuration, and a tentative gateway would leave the first containers without a next hop.
    /// </summary>
    public static void EnsureGatewayAddress(RouteNetlink hostNl, Link link, Cidr gateway, bool forceAddress)
    {
        foreach (var a in hostNl.ListAddresses(link.Index, gateway.Family))
        {
            if (a.Scope != NetworkScope.Universe) continue; // fe80::/64 and friends never conflict
            if (a.Cidr.Address.Equals(gateway.Address) && a.Cidr.PrefixLength == gateway.PrefixLength) return;
            bool conflict = gateway.IsIPv4 || Overlaps(a.Cidr, gateway);
            if (!conflict) continue;
            if (!forceAddress)
                throw new CniException(CniErrorCode.Internal,
                    $"{link.Name} already has an IP address different from {gateway} ({a.Cidr}); set forceAddress to replace it");
            try { hostNl.DeleteAddress(a); }
            catch (NetlinkException e) when (e.ErrnoName == "EADDRNOTAVAIL") { }
        }
        try
        {
            hostNl.AddAddress(new InterfaceAddress(link.Index, gateway) { Flags = gateway.IsIPv4 ? AddressFlags.None : AddressFlags.NoDad });
        }
        catch (NetlinkException e) when (e.ErrnoName == "EEXIST") { }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to add gateway address {gateway} to {link.Name}", e.Message, e);
        }
    }

    /// <summary>
    /// `sysctl net.ipv4.ip_forward=1` / `net.ipv6.conf.all.forwarding=1` for the families in use. Read first over
    /// netlink (RTM_GETNETCONF): on every ADD after the first it is already on, and a /proc/sys lookup costs one
    /// comparison per network namespace on the node. The write, when needed, goes through /proc/sys.
    /// </summary>
    public static void EnableForwarding(RouteNetlink hostNl, IEnumerable<Cidr> gateways)
    {
        var list = gateways.ToList();
        if (list.Any(g => g.IsIPv4) && !IsForwarding(hostNl, AddressFamily.InterNetwork))
            IfaceConfigurator.WriteIfDifferent("net/ipv4/ip_forward", "1");
        if (list.Any(g => g.Family == AddressFamily.InterNetworkV6) && !IsForwarding(hostNl, AddressFamily.InterNetworkV6))
            IfaceConfigurator.WriteIfDifferent("net/ipv6/conf/all/forwarding", "1");
    }

    private static bool IsForwarding(RouteNetlink hostNl, AddressFamily family)
    {
        try
        {
            return hostNl.GetForwarding(family) == true;
        }
        catch (NetlinkException)
        {
            return false; // not reported: let the /proc/sys write decide (and report) as before
        }
    }

    /// <summary>How long <see cref="WaitForPortUp"/> waits in all: the reference's 0+50+500+1000+1000 ms.</summary>
    public static readonly TimeSpan PortUpTimeout = TimeSpan.FromMilliseconds(2550);

    /// <summary>
    /// Waits until the host end's operstate is up: a port that never comes up means the container would get
    /// no traffic, so ADD fails instead of reporting success. The kernel's link watcher usually has it up by
    /// the first look; when it has not (a loaded host), it follows within a millisecond or two, so the wait
    /// polls with a doubling back-off from 1 ms instead of the reference's flat 50 ms first sleep, which a
    /// busy host paid on a good share of its ADDs. Same overall deadline as the reference.
    /// </summary>
    public static Link WaitForPortUp(RouteNetlink hostNl, int portIndex)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int sleepMs = 1;
        while (true)
        {
            var port = hostNl.GetLink(portIndex);
            if (port.OperState == OperState.Up) return port;
            var left = PortUpTimeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
                throw new CniException(CniErrorCode.Internal, $"bridge port {port.Name} in error state: {port.OperState}");
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(sleepMs, Math.Ceiling(left.TotalMilliseconds))));
            sleepMs = Math.Min(sleepMs * 2, 256);
        }
    }

    private static bool Overlaps(Cidr a, Cidr b)
    {
        int len = Math.Min(a.PrefixLength, b.PrefixLength);
        return Cidr.Mask(a.Address, len).Equals(Cidr.Mask(b.Address, len));
    }
}
