using Cni.Linux.Firewall;
using Cni.Linux.Netlink;
using Cni.Plugins.Bridge;
using Cni.Sdk;

namespace Cni.Plugins.Vxlan;

/// <summary>
/// A VXLAN overlay: one L2 segment per VNI spanning hosts. On each host the segment is a bridge whose uplink
/// port is a VXLAN device on the underlay; containers attach to the bridge exactly as with the bridge plugin
/// (<see cref="BridgeAttachment"/>: veth, IPAM, gateway, ipMasq, spoof check). Broadcasts reach the other hosts
/// through head-end replication to the peers of an <see cref="IPeerSource"/>, or through a multicast group.
/// Device setup and teardown hold the network's lock, so concurrent ADDs create the devices once and the last
/// DEL removes them without racing a new ADD. DEL, GC, STATUS and CHECK live in the partial files beside.
/// </summary>
public sealed partial class VxlanPlugin : ICniPlugin
{
    private readonly BridgeAttachment _attachment;

    /// <summary>The production plugin: IPAM binaries from CNI_PATH, the shared firewall engine, kernel ports.</summary>
    public VxlanPlugin() : this(new ExecIpam(), Firewalls.Create)
    {
    }

    /// <param name="ipam">IPAM delegation.</param>
    /// <param name="firewall">Firewall per backend name ("nftables", "iptables", null = auto).</param>
    public VxlanPlugin(IIpamInvoker ipam, Func<string?, IFirewall> firewall)
        => _attachment = new BridgeAttachment(ipam, firewall, new KernelBridgePorts(), "vxlan");

    /// <summary>
    /// Under the network's lock: resolve the underlay, ensure bridge + VXLAN device and reconcile the peers'
    /// flooding entries, attach the container, record the attachment. The result is the bridge plugin's
    /// ([bridge, host veth, container veth], ips on 2) with the VXLAN device appended.
    /// </summary>
    public Result Add(CmdArgs args)
    {
        var config = VxlanConfig.Load(args);
        var state = new VxlanState(config);
        using var networkLock = state.Lock();

        VxlanUnderlay underlay;
        using (var hostNl = RouteNetlink.Open()) underlay = VxlanUnderlay.Resolve(hostNl, config);
        var bridge = config.Bridge with { Mtu = underlay.MtuFor(config) };

        Link? vxlan = null;
        Result result;
        try
        {
            result = _attachment.Add(args, bridge, hostNl =>
            {
                (var br, vxlan) = VxlanDevice.Ensure(hostNl, config, bridge, underlay);
                return br;
            });
        }
        catch when (vxlan != null)
        {
            // The attachment rolled itself back; devices this failed ADD created for nobody go too.
            try { RemoveDevicesIfUnused(config); }
            catch (CniException e) { StdErr.Writer.WriteLine($"vxlan: rollback: {e.Message}"); }
            throw;
        }
        result.Interfaces.Add(new Interface { Name = vxlan!.Name, Mac = BridgeAttachment.FormatMac(vxlan) });
        try
        {
            state.Save(new VxlanAttachmentRecord(args.ContainerId, args.IfName, result.Interfaces[1].Name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The attachment works but GC could not find it later: fail, and the runtime's DEL cleans up.
            throw new CniException(CniErrorCode.IoFailure, $"vxlan: cannot record attachment in {state.Root}", e.Message, e);
        }
        return result;
    }
}
