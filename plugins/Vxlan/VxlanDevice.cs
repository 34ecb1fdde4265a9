using System.Net;
using System.Net.NetworkInformation;
using Cni.Linux.Netlink;
using Cni.Plugins.Bridge;
using Cni.Sdk;
using Cni.Sdk.Iface;

namespace Cni.Plugins.Vxlan;

/// <summary>
/// The per-host, per-VNI devices: a bridge with a VXLAN device as its uplink port, and the VXLAN device's
/// flooding entries. Callers hold the network's lock (<see cref="VxlanState"/>), so "create once" and "the
/// last one out removes them" never race; creation still tolerates EEXIST for a concurrent ADD of another
/// network config naming the same devices.
/// </summary>
public static class VxlanDevice
{
    private static readonly PhysicalAddress AllZeroMac = new(new byte[6]);

    /// <summary>
    /// Ensures the bridge (<see cref="BridgeDevice.Ensure"/>, with <paramref name="bridge"/>'s MTU) and the VXLAN
    /// device on it, up, then reconciles the flooding entries. An existing device with other settings, or
    /// another device holding this VNI on this port, is a config error (7): reusing it silently would join the
    /// container to some other segment.
    /// </summary>
    public static (Link Bridge, Link Vxlan) Ensure(RouteNetlink hostNl, VxlanConfig config, BridgeConfig bridge, VxlanUnderlay underlay)
    {
        // The VXLAN device is checked first: a conflict must fail before we create a bridge for nothing.
        hostNl.TryGetLink(config.DeviceName, out var existing);
        if (existing != null) CheckSettings(config, underlay, existing);
        var br = BridgeDevice.Ensure(hostNl, bridge);
        var vxlan = existing ?? Create(hostNl, config, underlay, bridge.Mtu);

        if (vxlan.MasterIndex is int master && master != br.Index)
            throw Conflict($"vxlan device {vxlan.Name} is already a port of another device (index {master}), not of bridge {br.Name}");
        if (vxlan.MasterIndex is null) Wrap($"attach {vxlan.Name} to bridge {br.Name}", () => hostNl.SetLinkMaster(vxlan.Index, br.Index));
        if (!vxlan.IsUp) Wrap($"set {vxlan.Name} up", () => hostNl.SetLinkUp(vxlan.Index));
        if (config.Mode == FloodMode.Peers) ReconcilePeers(hostNl, vxlan.Index, DesiredPeers(config, underlay));
        return (br, hostNl.GetLink(vxlan.Index));
    }

    private static Link Create(RouteNetlink hostNl, VxlanConfig config, VxlanUnderlay underlay, int mtu)
    {
        var spec = new VxlanLink
        {
            Name = config.DeviceName,
            Vni = config.Vni,
            Port = (ushort)config.Port,
            Local = underlay.Local,
            DeviceIndex = underlay.Device.Index,
            Group = config.Group,
            Learning = config.Learning,
            Mtu = mtu,
            // A fixed MAC: remote hosts learn it, and it must not change under them.
            Mac = VethPair.RandomMac(),
        };
        try
        {
            return hostNl.CreateLink(spec);
        }
        catch (NetlinkException e) when (e.ErrnoName == "EEXIST")
        {
            // Either someone created our device a moment ago, or another device holds this VNI on this port
            // (the kernel refuses duplicates with EEXIST too).
            if (hostNl.TryGetLink(config.DeviceName, out var now))
            {
                CheckSettings(config, underlay, now);
                return now;
            }
            var holder = hostNl.ListLinks().FirstOrDefault(l => l.Info is VxlanLink v && v.Vni == config.Vni && (v.Port ?? 8472) == config.Port);
            throw Conflict($"VNI {config.Vni} on UDP port {config.Port} is already used by device {holder?.Name ?? "(unknown)"}", e.Message);
        }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to create vxlan device {config.DeviceName}", e.Message, e);
        }
    }

    /// <summary>Describes how <paramref name="link"/> differs from the config, or returns null when it matches.</summary>
    public static string? Mismatch(VxlanConfig config, VxlanUnderlay underlay, Link link)
    {
        if (link.Info is not VxlanLink v) return $"{link.Name} exists but is not a vxlan device (it is a {link.Kind ?? "device"} link)";
        var diffs = new List<string>();
        if (v.Vni != config.Vni) diffs.Add($"VNI {v.Vni} (config: {config.Vni})");
        if ((v.Port ?? 0) != config.Port) diffs.Add($"port {v.Port?.ToString() ?? "default"} (config: {config.Port})");
        if (!Equals(v.Local, underlay.Local)) diffs.Add($"local {v.Local?.ToString() ?? "none"} (config: {underlay.Local})");
        if (v.DeviceIndex != underlay.Device.Index) diffs.Add($"underlay index {v.DeviceIndex?.ToString() ?? "none"} (config: {underlay.Device.Name}, index {underlay.Device.Index})");
        if (!Equals(v.Group, config.Group)) diffs.Add($"group {v.Group?.ToString() ?? "none"} (config: {config.Group?.ToString() ?? "none"})");
        if (v.Remote != null) diffs.Add($"a fixed remote {v.Remote} (we flood through FDB entries)");
        return diffs.Count == 0 ? null : $"vxlan device {link.Name} exists with other settings: {string.Join(", ", diffs)}";
    }

    private static void CheckSettings(VxlanConfig config, VxlanUnderlay underlay, Link link)
    {
        if (Mismatch(config, underlay, link) is { } why) throw Conflict(why);
    }

    /// <summary>The peers from the source, minus ourselves (a host listing every member, itself included, is the normal case).</summary>
    public static HashSet<IPAddress> DesiredPeers(VxlanConfig config, VxlanUnderlay underlay)
        => config.PeerSource.Peers().Where(p => !p.Equals(underlay.Local)).ToHashSet();

    /// <summary>The device's head-end replication list: its all-zero-MAC entries with a remote (`bridge fdb show dev X | grep 00:00:00:00:00:00`).</summary>
    public static List<FdbEntry> FloodEntries(RouteNetlink hostNl, int vxlanIndex)
        => hostNl.ListFdbEntries(vxlanIndex).Where(e => e.Destination != null && e.Mac.Equals(AllZeroMac)).ToList();

    /// <summary>
    /// Makes the flooding list exactly <paramref name="desired"/>: `bridge fdb append 00:00:00:00:00:00 dev X dst
    /// PEER` for each new peer and `bridge fdb del` for each one no longer listed, so a removed host stops
    /// receiving this segment's broadcasts on the next ADD.
    /// </summary>
    public static void ReconcilePeers(RouteNetlink hostNl, int vxlanIndex, HashSet<IPAddress> desired)
    {
        var present = FloodEntries(hostNl, vxlanIndex);
        foreach (var stale in present.Where(e => !desired.Contains(e.Destination!)))
        {
            try { hostNl.DeleteFdbEntry(new FdbEntry(vxlanIndex, AllZeroMac) { Destination = stale.Destination }); }
            catch (NetlinkException e) when (e.ErrnoName == "ENOENT") { }
            catch (NetlinkException e) { throw new CniException(CniErrorCode.Internal, $"failed to remove peer {stale.Destination}", e.Message, e); }
        }
        foreach (var peer in desired.Where(p => !present.Any(e => e.Destination!.Equals(p))))
        {
            try { hostNl.AppendFdbEntry(new FdbEntry(vxlanIndex, AllZeroMac) { Destination = peer }); }
            catch (NetlinkException e) when (e.ErrnoName == "EEXIST") { }
            catch (NetlinkException e) { throw new CniException(CniErrorCode.Internal, $"failed to add peer {peer}", e.Message, e); }
        }
    }

    /// <summary>
    /// The last attachment is gone when the bridge has no port but the VXLAN device: then both are deleted
    /// (gateway addresses go with the bridge). Anything else still on the bridge, ours or someone's, keeps them.
    /// Returns whether they were removed.
    /// </summary>
    public static bool RemoveIfUnused(RouteNetlink hostNl, VxlanConfig config)
    {
        if (!hostNl.TryGetLink(config.Bridge.BridgeName, out var bridge) || bridge.Kind != "bridge") return false;
        hostNl.TryGetLink(config.DeviceName, out var vxlan);
        var ports = hostNl.ListLinksOf(bridge.Index).Where(l => l.Index != vxlan?.Index).ToList();
        if (ports.Count > 0) return false;
        if (vxlan != null && vxlan.Kind == "vxlan" && (vxlan.MasterIndex == bridge.Index || vxlan.MasterIndex is null))
            BridgeAttachment.DeleteLink(hostNl, vxlan.Index);
        BridgeAttachment.DeleteLink(hostNl, bridge.Index);
        return true;
    }

    private static void Wrap(string what, Action step)
    {
        try { step(); }
        catch (NetlinkException e) { throw new CniException(CniErrorCode.Internal, $"failed to {what}", e.Message, e); }
    }

    private static CniException Conflict(string msg, string? details = null) => new(CniErrorCode.InvalidNetworkConfig, "vxlan: " + msg, details);
}
