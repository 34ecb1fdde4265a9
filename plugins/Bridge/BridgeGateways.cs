using System.Net;
using Cni.Linux.Net;
using Cni.Linux.Netlink;
using Cni.Sdk;
using Cni.Sdk.Iface;

namespace Cni.Plugins.Bridge;

/// <summary>
/// Gateway bookkeeping on the IPAM result (the reference's calcGateways) and the per-VLAN gateway device.
/// </summary>
public static class BridgeGateways
{
    /// <summary>Index of the container veth in the result's interfaces (bridge, host veth, container veth).</summary>
    public const int ContainerInterfaceIndex = 2;

    /// <summary>
    /// Points every IP at the container veth; with isGateway, fills a missing gateway with the subnet's first
    /// address; with isDefaultGateway, adds a default route per family unless the result already has one with a
    /// gateway. Returns the gateway addresses (gateway IP with the container's prefix) the bridge must carry.
    /// </summary>
    public static List<Cidr> Apply(Result result, BridgeConfig config)
    {
        var gateways = new List<Cidr>();
        bool default4 = false, default6 = false;
        foreach (var ip in result.Ips)
        {
            bool v4 = ip.Address.IsIPv4;
            ip.Interface = ContainerInterfaceIndex;
            if (ip.Gateway is null && config.IsGateway) ip.Gateway = IpMath.Next(ip.Address.Network);

            ref bool found = ref v4 ? ref default4 : ref default6;
            if (config.IsDefaultGateway && !found)
            {
                found = result.Routes.Any(r => r.Gw != null && r.Dst.PrefixLength == 0 && r.Dst.IsIPv4 == v4);
                if (!found)
                {
                    result.Routes.Add(new Cni.Sdk.Route { Dst = new Cidr(v4 ? IPAddress.Any : IPAddress.IPv6Any, 0), Gw = ip.Gateway });
                    found = true;
                }
            }
            if (config.IsGateway && ip.Gateway is { } gw) gateways.Add(new Cidr(gw, ip.Address.PrefixLength));
        }
        return gateways;
    }

    /// <summary>
    /// With <c>vlan</c> set, the gateway cannot sit on the bridge itself (the bridge device is not in the VLAN):
    /// a host-side veth pair is made once per bridge and VLAN, its random-named end joins the bridge as an
    /// access port of the VLAN, and its other end, <c>BRIDGE.VLAN</c>, carries the gateway addresses. Creation
    /// racing a concurrent ADD ends in EEXIST, which means the device is there already.
    /// </summary>
    public static Link EnsureVlanGateway(RouteNetlink hostNl, Link bridge, BridgeConfig config, IBridgePorts ports)
    {
        string name = $"{bridge.Name}.{config.Vlan}";
        if (name.Length > 15)
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"VLAN gateway name {name} is longer than 15 characters; use a shorter bridge name");
        if (hostNl.TryGetLink(name, out var existing)) return existing!;

        string peerName = VethPair.RandomHostName();
        Link gatewayLink;
        try
        {
            gatewayLink = hostNl.CreateLink(new VethLink { Name = name, PeerName = peerName, Mtu = config.Mtu > 0 ? config.Mtu : null, PeerMtu = config.Mtu > 0 ? config.Mtu : null });
        }
        catch (NetlinkException e) when (e.ErrnoName == "EEXIST")
        {
            return hostNl.GetLink(name);
        }
        var peer = hostNl.GetLink(peerName);
        hostNl.SetLinkMaster(peer.Index, bridge.Index);
        ports.ConfigureVlans(hostNl, peer.Index, config.Vlan, [], preserveDefaultVlan: false);
        hostNl.SetLinkUp(peer.Index);
        hostNl.SetLinkUp(gatewayLink.Index);
        return hostNl.GetLink(gatewayLink.Index);
    }
}
