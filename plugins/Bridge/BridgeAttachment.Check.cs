using Cni.Linux.Netlink;
using Cni.Sdk;
using Cni.Sdk.Iface;

namespace Cni.Plugins.Bridge;

public sealed partial class BridgeAttachment
{
    /// <summary>
    /// The reference's CHECK: IPAM CHECK first, then against prevResult: the bridge exists, is a bridge, has
    /// the recorded MAC and the configured promisc state; the container interface sits in CNI_NETNS, is a veth
    /// with the recorded MAC and carries its addresses and routes; the recorded host end is its peer and a
    /// port of the bridge. Returns the bridge as read back.
    /// </summary>
    public Link Check(CmdArgs args, BridgeConfig config)
    {
        if (config.HasIpam) _ipam.Check(args);
        var prev = config.Net.PrevResult
            ?? throw new CniException(CniErrorCode.InvalidNetworkConfig, $"{_plugin} CHECK: required prevResult missing");

        var contIface = prev.Interfaces.FirstOrDefault(i => i.Name == args.IfName && !string.IsNullOrEmpty(i.Sandbox))
            ?? throw Fail($"prevResult has no container interface {args.IfName}");
        if (contIface.Sandbox != args.Netns)
            throw Fail($"interface {args.IfName}: prevResult sandbox {contIface.Sandbox} is not CNI_NETNS {args.Netns}");

        using var containerNs = ContainerNetns.Open(args);
        using var hostNl = RouteNetlink.Open();
        using var containerNl = RouteNetlink.OpenIn(containerNs);

        var bridge = CheckBridge(hostNl, config, prev);
        if (!containerNl.TryGetLink(args.IfName, out var container))
            throw Fail($"interface {args.IfName} not found in {args.Netns}");
        if (container!.Kind != "veth") throw Fail($"interface {args.IfName} in {args.Netns} is a {container.Kind ?? "device"}, not a veth");
        CheckMac(contIface, container);

        var hostIface = prev.Interfaces.FirstOrDefault(i => string.IsNullOrEmpty(i.Sandbox) && i.Name != config.BridgeName
                                                            && hostNl.TryGetLink(i.Name, out var l) && l!.Index == container.ParentIndex)
            ?? throw Fail($"no host interface in prevResult is the peer of {args.IfName}");
        var host = hostNl.GetLink(hostIface.Name);
        if (host.Kind != "veth") throw Fail($"host interface {host.Name} is not a veth");
        if (host.MasterIndex != bridge.Index) throw Fail($"host interface {host.Name} is not a port of bridge {bridge.Name}");
        CheckMac(hostIface, host);

        if (IfaceConfigurator.Mismatch(containerNl, container, prev, prev.Interfaces.IndexOf(contIface)) is { } missing) throw Fail(missing);
        return bridge;
    }

    private Link CheckBridge(RouteNetlink hostNl, BridgeConfig config, Result prev)
    {
        var recorded = prev.Interfaces.FirstOrDefault(i => i.Name == config.BridgeName && string.IsNullOrEmpty(i.Sandbox))
            ?? throw Fail($"prevResult does not list bridge {config.BridgeName}");
        if (!hostNl.TryGetLink(config.BridgeName, out var bridge)) throw Fail($"bridge {config.BridgeName} not found");
        if (bridge!.Kind != "bridge") throw Fail($"{config.BridgeName} is not a bridge");
        CheckMac(recorded, bridge);
        bool promisc = (bridge.Flags & LinkFlags.Promisc) != 0;
        if (promisc != config.PromiscMode)
            throw Fail($"bridge {bridge.Name} promiscuous mode is {(promisc ? "on" : "off")}, config says {(config.PromiscMode ? "on" : "off")}");
        return bridge;
    }

    private void CheckMac(Interface recorded, Link link)
    {
        if (recorded.Mac is { } mac && !string.Equals(mac, FormatMac(link), StringComparison.OrdinalIgnoreCase))
            throw Fail($"interface {link.Name}: MAC {FormatMac(link)} differs from prevResult {mac}");
    }

    private CniException Fail(string msg) => new(CniErrorCode.Internal, $"{_plugin} CHECK: {msg}");
}
