using Cni.Linux.Netlink;

namespace Cni.Sdk.Iface;

public abstract partial class ParentLinkPlugin<TConfig>
{
    /// <summary>
    /// CHECK as the reference: IPAM CHECK, then prevResult must describe what is there - the master exists
    /// (and the MTU still fits it), the container link is of our kind with the configured mode, its MAC,
    /// addresses and routes match prevResult.
    /// </summary>
    public void Check(CmdArgs args)
    {
        var config = Load(args);
        if (config.HasIpam) Ipam.Check(args);
        var prev = config.Net.PrevResult ?? throw Fail("required prevResult missing");

        using var containerNs = ContainerNetns.Open(args);
        using var containerNl = RouteNetlink.OpenIn(containerNs);
        using (var hostNl = config.LinkInContainer ? null : RouteNetlink.Open())
        {
            var masterNl = hostNl ?? containerNl;
            string name = ParentMaster.Name(config, masterNl, ChainedMaster(config), Kind);
            if (!masterNl.TryGetLink(name, out var master)) throw Fail($"master {name} not found");
            ParentMaster.CheckMtu(config, master, Kind);
        }

        var recorded = prev.Interfaces.FirstOrDefault(i => i.Name == args.IfName && !string.IsNullOrEmpty(i.Sandbox))
            ?? throw Fail($"prevResult has no container interface {args.IfName}");
        if (recorded.Sandbox != args.Netns)
            throw Fail($"interface {args.IfName}: prevResult sandbox {recorded.Sandbox} is not CNI_NETNS {args.Netns}");
        if (!containerNl.TryGetLink(args.IfName, out var link)) throw Fail($"interface {args.IfName} not found in {args.Netns}");
        if (link.Kind != Kind) throw Fail($"interface {args.IfName} is a {link.Kind ?? "device"}, not a {Kind}");
        if (Mismatch(config, link) is { } why) throw Fail($"interface {args.IfName}: {why}");
        if (recorded.Mac is { } mac && !string.Equals(mac, FormatMac(link), StringComparison.OrdinalIgnoreCase))
            throw Fail($"interface {args.IfName}: MAC {FormatMac(link)} differs from prevResult {mac}");

        if (IfaceConfigurator.Mismatch(containerNl, link, prev, prev.Interfaces.IndexOf(recorded)) is { } missing) throw Fail(missing);
    }

    private CniException Fail(string msg) => new(CniErrorCode.Internal, $"{Kind} CHECK: {msg}");
}
