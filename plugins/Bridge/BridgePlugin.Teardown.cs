using Cni.Linux.Netlink;
using Cni.Sdk;

namespace Cni.Plugins.Bridge;

public sealed partial class BridgePlugin
{
    /// <summary>
    /// Removes the container veth, this attachment's firewall rules and its lease. Keeps going after a failure
    /// and reports every failure together. Rules are removed by owner tag (network, container, ifname), so
    /// they go even when CNI_NETNS is empty or gone and the addresses are unknown (the reference leaks them
    /// then, #810). With no netns to look in, the host end named in prevResult is deleted instead, if it is
    /// still a port of our bridge. Never removes the bridge or its gateway address (other containers use them).
    /// </summary>
    public void Del(CmdArgs args)
    {
        var config = BridgeConfig.Load(args);
        var owner = Owner(args, config);
        var failures = new List<Exception>();

        Try(failures, "delete container interface", () => DeleteContainerEnd(args, config));
        if (config.HasIpam) Try(failures, "IPAM DEL", () => _ipam.Del(args));
        if (config.MacSpoofCheck) Try(failures, "remove spoof-check rules", () => SpoofFirewall().RemoveMacSpoofCheck(owner));
        if (config.IpMasq) Try(failures, "remove masquerade rules", () => _firewall(config.IpMasqBackend).RemoveMasquerade(owner));

        ThrowAll(failures, $"bridge DEL {args.ContainerId}/{args.IfName}");
    }

    private static void DeleteContainerEnd(CmdArgs args, BridgeConfig config)
    {
        using var netns = ContainerNetns.OpenIfExists(args);
        if (netns != null)
        {
            using var nl = RouteNetlink.OpenIn(netns);
            if (nl.TryGetLink(args.IfName, out var link)) DeleteLink(nl, link!.Index);
            return;
        }

        if (config.Net.PrevResult is not { } prev) return;
        using var hostNl = RouteNetlink.Open();
        if (!hostNl.TryGetLink(config.BridgeName, out var bridge)) return;
        // prevResult names the host end; a veth that is still our bridge's port is still ours.
        foreach (var iface in prev.Interfaces.Where(i => string.IsNullOrEmpty(i.Sandbox) && i.Name != config.BridgeName))
        {
            if (hostNl.TryGetLink(iface.Name, out var host) && host!.Kind == "veth" && host.MasterIndex == bridge!.Index
                && (iface.Mac is null || FormatMac(host) == iface.Mac.ToLowerInvariant()))
                DeleteLink(hostNl, host.Index);
        }
    }

    /// <summary>
    /// Removes this network's masquerade and spoof-check rules for attachments not in valid-attachments, then
    /// passes GC on to IPAM (which releases their leases). Other networks' rules are never touched: the rules
    /// carry the network name.
    /// </summary>
    public void Gc(CmdArgs args)
    {
        var config = BridgeConfig.Load(args);
        var valid = (args.Config.ValidAttachments ?? []).Select(a => (a.ContainerId, a.IfName)).ToList();
        var failures = new List<Exception>();
        if (config.IpMasq) Try(failures, "collect masquerade rules", () => _firewall(config.IpMasqBackend).Collect(config.Net.Name, valid));
        if (config.MacSpoofCheck) Try(failures, "collect spoof-check rules", () => SpoofFirewall().Collect(config.Net.Name, valid));
        if (config.HasIpam) Try(failures, "IPAM GC", () => _ipam.Gc(args));
        ThrowAll(failures, $"bridge GC for {config.Net.Name}");
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
        if (!config.HasIpam) return;
        try
        {
            _ipam.Status(args);
        }
        catch (CniException e) when (e.Code is not (CniErrorCode.NotReady or CniErrorCode.Degraded))
        {
            throw new CniException(CniErrorCode.NotReady, $"IPAM is not ready: {e.Message}", e.Details, e);
        }
    }

    /// <summary>Runs one teardown step; a failure is recorded and the next step still runs.</summary>
    private static void Try(List<Exception> failures, string what, Action step)
    {
        try { step(); }
        catch (CniException e)
        {
            failures.Add(new CniException(e.Code, $"{what}: {e.Message}", e.Details, e));
        }
        catch (IOException e)
        {
            failures.Add(new CniException(CniErrorCode.Internal, $"{what}: {e.Message}", null, e));
        }
    }

    /// <summary>One failure keeps its own code (IPAM's 11 stays a retry); several are reported together as 999.</summary>
    private static void ThrowAll(List<Exception> failures, string what)
    {
        if (failures.Count == 1) throw failures[0];
        if (failures.Count > 1)
            throw new CniException(CniErrorCode.Internal, $"{what}: {failures.Count} steps failed", string.Join("; ", failures.Select(f => f.Message)));
    }
}
