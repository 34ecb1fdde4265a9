using Cni.Linux.Netlink;
using Cni.Sdk;

namespace Cni.Plugins.Bridge;

public sealed partial class BridgePlugin
{
    /// <summary>
    /// Removes the container veth, this attachment's firewall rules and its lease (see
    /// <see cref="BridgeAttachment.Del"/>). Keeps going after a failure and reports every failure together.
    /// Never removes the bridge or its gateway address (other containers use them).
    /// </summary>
    public void Del(CmdArgs args)
    {
        var config = BridgeConfig.Load(args);
        var failures = new List<Exception>();
        _attachment.Del(args, config, failures);
        BridgeAttachment.ThrowAll(failures, $"bridge DEL {args.ContainerId}/{args.IfName}");
    }

    /// <summary>Collects this network's rules and leases of attachments not in valid-attachments.</summary>
    public void Gc(CmdArgs args)
    {
        var config = BridgeConfig.Load(args);
        var failures = new List<Exception>();
        _attachment.Gc(args, config, failures);
        BridgeAttachment.ThrowAll(failures, $"bridge GC for {config.Net.Name}");
    }

    /// <summary>
    /// Not ready (50) when the configured bridge name is taken by something that is not a bridge (every ADD
    /// would fail), or when IPAM is not ready or cannot be run at all. IPAM's own 50/51 pass through.
    /// </summary>
    public void Status(CmdArgs args)
    {
        var config = BridgeConfig.Load(args);
        using (var hostNl = RouteNetlink.Open())
        {
            if (hostNl.TryGetLink(config.BridgeName, out var link) && link!.Kind != "bridge")
                throw new CniException(CniErrorCode.NotReady, $"{config.BridgeName} exists but is not a bridge (it is a {link.Kind ?? "device"} link)");
        }
        _attachment.IpamStatus(args, config);
    }
}
