using Cni.Linux.Netlink;
using Cni.Plugins.Bridge;
using Cni.Sdk;

namespace Cni.Plugins.Vxlan;

public sealed partial class VxlanPlugin
{
    /// <summary>
    /// Removes the attachment (container veth, lease, rules: <see cref="BridgeAttachment.Del"/>; the recorded
    /// host veth too when the container's netns is gone), then, still under the lock, the bridge and VXLAN
    /// device if no other port is left on this host. Keeps going after a failure and reports them together.
    /// </summary>
    public void Del(CmdArgs args)
    {
        var config = VxlanConfig.Load(args);
        var state = new VxlanState(config);
        var failures = new List<Exception>();
        using (state.Lock())
        {
            _attachment.Del(args, config.Bridge, failures);
            BridgeAttachment.Try(failures, "delete recorded host veth", () =>
            {
                if (state.Find(args.ContainerId, args.IfName) is { } record) DeleteHostVeth(config, record);
                state.Remove(args.ContainerId, args.IfName);
            });
            BridgeAttachment.Try(failures, "remove unused devices", () => RemoveDevicesIfUnused(config));
        }
        BridgeAttachment.ThrowAll(failures, $"vxlan DEL {args.ContainerId}/{args.IfName}");
    }

    /// <summary>
    /// Deletes the host veths of recorded attachments not in valid-attachments (their containers are gone or
    /// forgotten), collects this network's rules and leases (<see cref="BridgeAttachment.Gc"/>), and removes
    /// the devices when nothing is attached any more.
    /// </summary>
    public void Gc(CmdArgs args)
    {
        var config = VxlanConfig.Load(args);
        var state = new VxlanState(config);
        var valid = (args.Config.ValidAttachments ?? []).Select(a => (a.ContainerId, a.IfName)).ToHashSet();
        var failures = new List<Exception>();
        using (state.Lock())
        {
            foreach (var record in state.All().Where(r => !valid.Contains((r.ContainerId, r.IfName))))
            {
                BridgeAttachment.Try(failures, $"collect attachment {record.ContainerId}/{record.IfName}", () =>
                {
                    DeleteHostVeth(config, record);
                    state.Remove(record.ContainerId, record.IfName);
                });
            }
            _attachment.Gc(args, config.Bridge, failures);
            BridgeAttachment.Try(failures, "remove unused devices", () => RemoveDevicesIfUnused(config));
        }
        BridgeAttachment.ThrowAll(failures, $"vxlan GC for {config.Net.Name}");
    }

    /// <summary>
    /// Not ready (50) when the underlay device or the local address is missing, the peer source cannot be
    /// read, the bridge name is taken by something else, or IPAM is not ready.
    /// </summary>
    public void Status(CmdArgs args)
    {
        var config = VxlanConfig.Load(args);
        using (var hostNl = RouteNetlink.Open())
        {
            VxlanUnderlay.Resolve(hostNl, config);
            if (hostNl.TryGetLink(config.Bridge.BridgeName, out var link) && link.Kind != "bridge")
                throw new CniException(CniErrorCode.NotReady, $"vxlan: {config.Bridge.BridgeName} exists but is not a bridge (it is a {link.Kind ?? "device"} link)");
        }
        if (config.Mode == FloodMode.Peers) config.PeerSource.Peers();
        _attachment.IpamStatus(args, config.Bridge);
    }

    /// <summary>The recorded host end, if it still exists and is still a veth port of our bridge (names get reused).</summary>
    private static void DeleteHostVeth(VxlanConfig config, VxlanAttachmentRecord record)
    {
        using var hostNl = RouteNetlink.Open();
        if (!hostNl.TryGetLink(config.Bridge.BridgeName, out var bridge)) return;
        if (hostNl.TryGetLink(record.HostVeth, out var veth) && veth.Kind == "veth" && veth.MasterIndex == bridge.Index)
            BridgeAttachment.DeleteLink(hostNl, veth.Index);
    }

    private static void RemoveDevicesIfUnused(VxlanConfig config)
    {
        using var hostNl = RouteNetlink.Open();
        try { VxlanDevice.RemoveIfUnused(hostNl, config); }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to remove {config.DeviceName}/{config.Bridge.BridgeName}", e.Message, e);
        }
    }
}
