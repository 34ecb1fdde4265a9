using Cni.Linux.Netlink;
using Cni.Sdk;

namespace Cni.Plugins.Vxlan;

public sealed partial class VxlanPlugin
{
    /// <summary>
    /// The container side as the bridge plugin checks it (IPAM CHECK, bridge, veth pair, addresses, routes),
    /// then the overlay: the VXLAN device has the configured VNI, port, local address, underlay and group, is
    /// a port of the bridge and up, and in peer mode its flooding list is exactly the current peers.
    /// </summary>
    public void Check(CmdArgs args)
    {
        var config = VxlanConfig.Load(args);
        var bridge = _attachment.Check(args, config.Bridge);

        using var hostNl = RouteNetlink.Open();
        var underlay = VxlanUnderlay.Resolve(hostNl, config);
        if (!hostNl.TryGetLink(config.DeviceName, out var vxlan)) throw Fail($"vxlan device {config.DeviceName} not found");
        if (VxlanDevice.Mismatch(config, underlay, vxlan) is { } why) throw Fail(why);
        if (vxlan.MasterIndex != bridge.Index) throw Fail($"vxlan device {vxlan.Name} is not a port of bridge {bridge.Name}");
        if (!vxlan.IsUp) throw Fail($"vxlan device {vxlan.Name} is down");
        if (config.Mode != FloodMode.Peers) return;

        var want = VxlanDevice.DesiredPeers(config, underlay);
        var have = VxlanDevice.FloodEntries(hostNl, vxlan.Index).Select(e => e.Destination!).ToHashSet();
        if (want.Except(have).ToList() is { Count: > 0 } missing)
            throw Fail($"vxlan device {vxlan.Name} has no flooding entry for peer(s) {string.Join(", ", missing)}");
        if (have.Except(want).ToList() is { Count: > 0 } extra)
            throw Fail($"vxlan device {vxlan.Name} floods to host(s) not in the peer list: {string.Join(", ", extra)}");
    }

    private static CniException Fail(string msg) => new(CniErrorCode.Internal, "vxlan CHECK: " + msg);
}
