using Cni.Linux.Firewall;
using Cni.Linux.Netlink;
using Cni.Linux.Netns;
using Cni.Sdk;
using Cni.Sdk.Iface;

namespace Cni.Plugins.Bridge;

/// <summary>
/// The container side of a bridge attachment: a veth pair whose host end is a port of a bridge, IPAM, gateway
/// addresses, masquerade and spoof-check rules. The bridge plugin uses it with a plain bridge; the vxlan plugin
/// uses it with a bridge that also has a VXLAN uplink, so both attach containers the same way (one code path,
/// one set of tests). ADD is a transaction: every step registers its undo, so a failure at any point (IPAM
/// included) leaves nothing behind but the shared bridge. DEL, GC and CHECK live in the partial files beside.
/// </summary>
public sealed partial class BridgeAttachment
{
    private readonly IIpamInvoker _ipam;
    private readonly Func<string?, IFirewall> _firewall;
    private readonly IBridgePorts _ports;
    private readonly string _plugin;

    /// <param name="ipam">IPAM delegation.</param>
    /// <param name="firewall">Firewall per backend name ("nftables", "iptables", null = auto), created in the calling thread's netns.</param>
    /// <param name="ports">Bridge-port flags and VLAN entries.</param>
    /// <param name="plugin">The plugin name that starts error messages ("bridge", "vxlan").</param>
    public BridgeAttachment(IIpamInvoker ipam, Func<string?, IFirewall> firewall, IBridgePorts ports, string plugin)
    {
        _ipam = ipam;
        _firewall = firewall;
        _ports = ports;
        _plugin = plugin;
    }

    /// <summary>
    /// Attaches CNI_IFNAME to the bridge that <paramref name="ensureBridge"/> returns (called with the host
    /// socket before the veth is made). The result lists [bridge, host veth, container veth], ips on index 2.
    /// </summary>
    public Result Add(CmdArgs args, BridgeConfig config, Func<RouteNetlink, Link> ensureBridge)
    {
        // Declared before the rollback so it is disposed after it: the undos still need their firewall.
        using var firewalls = new FirewallSession(_firewall);
        using var containerNs = ContainerNetns.Open(args);
        using var hostNs = NetNs.OpenCurrent();
        using var hostNl = RouteNetlink.Open();
        using var containerNl = RouteNetlink.OpenIn(containerNs);
        using var rollback = new Rollback();
        var owner = Owner(args, config);

        var bridge = ensureBridge(hostNl);
        // The IPAM delegate (a process: the largest part of an ADD) runs while this thread makes the veth; it is
        // spawned from this thread, in the host's netns, where it must run. A failed ADD waits for it and
        // releases the lease it got.
        IpamCall<Result>? ipam = null;
        if (config.HasIpam)
        {
            ipam = _ipam.StartAdd(args);
            rollback.Add("IPAM DEL", () => { if (ipam.Succeeded()) _ipam.Del(args); });
        }
        var veth = VethPair.Create(containerNl, containerNs, hostNl, hostNs, args.IfName,
            config.Mtu > 0 ? config.Mtu : null, config.Mac);
        rollback.Add($"delete veth {veth.Host.Name}", () => DeleteLink(hostNl, veth.Host.Index));
        AttachPort(hostNl, bridge, veth.Host, config);

        if (config.MacSpoofCheck)
        {
            var fw = firewalls.Spoof;
            fw.AddMacSpoofCheck(owner, veth.Host.Name, veth.Container.Mac!);
            rollback.Add("remove spoof-check rules", () => fw.RemoveMacSpoofCheck(owner));
        }

        var result = new Result();
        Link? vlanGateway = null;
        if (ipam != null)
        {
            // While the IPAM delegate is still running: these do not depend on its answer.
            SetContainerSysctls(containerNs, containerNl, veth.Container, config.EnableDad);
            result = ipam.Finish();
            if (result.Ips.Count == 0)
                throw new CniException(CniErrorCode.Internal, $"IPAM plugin {config.Net.Ipam!.Type} returned no IP configuration");
            var gateways = BridgeGateways.Apply(result, config);
            SetInterfaces(result, bridge, veth, args);

            IfaceConfigurator.Configure(containerNs, containerNl, args.IfName, result);

            if (config.IsGateway && gateways.Count > 0)
            {
                var carrier = bridge;
                if (config.Vlan != 0) carrier = vlanGateway = BridgeGateways.EnsureVlanGateway(hostNl, bridge, config, _ports);
                foreach (var gw in gateways) BridgeDevice.EnsureGatewayAddress(hostNl, carrier, gw, config.ForceAddress);
                BridgeDevice.EnableForwarding(hostNl, gateways);
            }

            if (config.IpMasq)
            {
                var fw = firewalls.For(config.IpMasqBackend);
                fw.AddMasquerade(owner, result.Ips.Select(ip => ip.Address).ToList());
                rollback.Add("remove masquerade rules", () => fw.RemoveMasquerade(owner));
            }
        }
        else if (!config.DisableContainerInterface)
        {
            // Pure L2: nobody else brings the container end up.
            containerNl.SetLinkUp(veth.Container.Index);
        }

        var host = config.DisableContainerInterface ? hostNl.GetLink(veth.Host.Index) : BridgeDevice.WaitForPortUp(hostNl, veth.Host.Index);
        // MACs are read last: a bridge we did not create may still have changed its address when this port joined.
        SetInterfaces(result, hostNl.GetLink(bridge.Index), veth with { Host = host, Container = containerNl.GetLink(veth.Container.Index) }, args);
        if (vlanGateway != null) result.Interfaces.Add(new Interface { Name = vlanGateway.Name, Mac = FormatMac(vlanGateway) });
        if (config.Net.Dns is { IsEmpty: false } dns) result.Dns = dns.ToResult();
        rollback.Commit();
        return result;
    }

    /// <summary>Enslaves the host end, then the port settings that need it to be a bridge port already.</summary>
    private void AttachPort(RouteNetlink hostNl, Link bridge, Link hostVeth, BridgeConfig config)
    {
        try { hostNl.SetLinkMaster(hostVeth.Index, bridge.Index); }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to connect {hostVeth.Name} to bridge {bridge.Name}", e.Message, e);
        }
        if (config.HairpinMode || config.PortIsolation) _ports.SetPortFlags(hostNl, hostVeth.Index, config.HairpinMode, config.PortIsolation);
        if (config.UsesVlanFiltering) _ports.ConfigureVlans(hostNl, hostVeth.Index, config.Vlan, config.VlanTrunk, config.PreserveDefaultVlan);
    }

    /// <summary>
    /// DAD off unless asked for (a container's fresh random address is not worth a 1-2 s start delay, #680),
    /// and arp_notify so the kernel announces the new address itself. Best effort, like the reference: a
    /// namespace with IPv6 disabled simply has no such keys.
    /// </summary>
    private static void SetContainerSysctls(NetNs containerNs, RouteNetlink containerNl, Link container, bool enableDad)
    {
        string ifName = container.Name;
        containerNs.Run(() =>
        {
            if (enableDad)
            {
                IfaceConfigurator.TryWriteIfDifferent($"net/ipv6/conf/{ifName}/enhanced_dad", "1");
                IfaceConfigurator.TryWriteIfDifferent($"net/ipv6/conf/{ifName}/accept_dad", "1");
            }
            else
            {
                IfaceConfigurator.TryWriteIfDifferent($"net/ipv6/conf/{ifName}/accept_dad", "0");
            }
        });
        IfaceConfigurator.EnableArpNotify(containerNl, container.Index);
    }

    /// <summary>interfaces = [bridge, host veth, container veth], the order <c>ips[].interface = 2</c> relies on.</summary>
    private static void SetInterfaces(Result result, Link bridge, VethPair veth, CmdArgs args)
    {
        result.Interfaces.Clear();
        result.Interfaces.Add(new Interface { Name = bridge.Name, Mac = FormatMac(bridge) });
        result.Interfaces.Add(new Interface { Name = veth.Host.Name, Mac = FormatMac(veth.Host) });
        result.Interfaces.Add(new Interface { Name = veth.Container.Name, Mac = FormatMac(veth.Container), Sandbox = args.Netns });
    }

    private static FirewallOwner Owner(CmdArgs args, BridgeConfig config) => new(config.Net.Name, args.ContainerId, args.IfName);

    /// <summary>"aa:bb:cc:dd:ee:ff", the form results carry; null for a link without a MAC.</summary>
    public static string? FormatMac(Link link)
        => link.Mac is { } mac ? string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2"))) : null;

    /// <summary>Deletes a link; one that is already gone is fine.</summary>
    public static void DeleteLink(RouteNetlink nl, int index)
    {
        try { nl.DeleteLink(index); }
        catch (LinkNotFoundException) { }
    }
}
