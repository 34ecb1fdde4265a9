using Cni.Linux.Firewall;
using Cni.Sdk;

namespace Cni.Plugins.Bridge;

/// <summary>
/// Connects a container to a Linux bridge on the host through a veth pair (the reference `bridge` plugin).
/// The attachment itself (veth, IPAM, gateways, rules, the ADD transaction) is <see cref="BridgeAttachment"/>,
/// shared with the vxlan plugin; this class adds the plain bridge. DEL, CHECK, GC and STATUS live in the
/// partial files next to this one.
/// </summary>
public sealed partial class BridgePlugin : ICniPlugin
{
    private readonly BridgeAttachment _attachment;

    /// <summary>The production plugin: IPAM binaries from CNI_PATH, the shared firewall engine, kernel ports.</summary>
    public BridgePlugin() : this(new ExecIpam(), Firewalls.Create, new KernelBridgePorts())
    {
    }

    /// <param name="ipam">IPAM delegation.</param>
    /// <param name="firewall">Firewall per backend name ("nftables", "iptables", null = auto), created in the calling thread's netns.</param>
    /// <param name="ports">Bridge-port flags and VLAN entries.</param>
    public BridgePlugin(IIpamInvoker ipam, Func<string?, IFirewall> firewall, IBridgePorts ports)
        => _attachment = new BridgeAttachment(ipam, firewall, ports, "bridge");

    /// <summary>Ensures the bridge, then attaches the container to it as one transaction.</summary>
    public Result Add(CmdArgs args)
    {
        var config = BridgeConfig.Load(args);
        return _attachment.Add(args, config, hostNl => BridgeDevice.Ensure(hostNl, config));
    }

    /// <summary>
    /// The reference's CHECK: IPAM CHECK first, then against prevResult the bridge and the container side
    /// (<see cref="BridgeAttachment.Check"/>).
    /// </summary>
    public void Check(CmdArgs args) => _attachment.Check(args, BridgeConfig.Load(args));
}
