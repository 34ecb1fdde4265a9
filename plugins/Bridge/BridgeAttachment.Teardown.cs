using Cni.Linux.Netlink;
using Cni.Sdk;

namespace Cni.Plugins.Bridge;

public sealed partial class BridgeAttachment
{
    /// <summary>
    /// Removes the container veth, this attachment's firewall rules and its lease, recording failures in
    /// <paramref name="failures"/> and going on with the next step. Rules are removed by owner tag (network,
    /// container, ifname), so they go even when CNI_NETNS is empty or gone and the addresses are unknown (the
    /// reference leaks them then, #810). With no netns to look in, the host end named in prevResult is deleted
    /// instead, if it is still a port of our bridge. Never touches the bridge itself.
    /// The three slow parts overlap: the IPAM delegate runs (a process) while this thread removes the rules and
    /// deletes the veth (the kernel's unregister wait), and the nftables socket is closed only at the end, by
    /// when the grace period its rule deletion started has passed during the veth delete.
    /// </summary>
    public void Del(CmdArgs args, BridgeConfig config, List<Exception> failures)
    {
        var owner = Owner(args, config);
        using var firewalls = new FirewallSession(_firewall);
        // using: even an exception none of the steps expected still waits for (reaps) the IPAM delegate.
        using var ipam = config.HasIpam ? _ipam.StartDel(args) : null;
        if (config.MacSpoofCheck) Try(failures, "remove spoof-check rules", () => firewalls.Spoof.RemoveMacSpoofCheck(owner));
        if (config.IpMasq) Try(failures, "remove masquerade rules", () => firewalls.For(config.IpMasqBackend).RemoveMasquerade(owner));
        Try(failures, "delete container interface", () => DeleteContainerEnd(args, config));
        if (ipam != null) Try(failures, "IPAM DEL", () => ipam.Finish());
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
    /// carry the network name. Failures are recorded in <paramref name="failures"/>.
    /// </summary>
    public void Gc(CmdArgs args, BridgeConfig config, List<Exception> failures)
    {
        var valid = (args.Config.ValidAttachments ?? []).Select(a => (a.ContainerId, a.IfName)).ToList();
        using var firewalls = new FirewallSession(_firewall);
        if (config.IpMasq) Try(failures, "collect masquerade rules", () => firewalls.For(config.IpMasqBackend).Collect(config.Net.Name, valid));
        if (config.MacSpoofCheck) Try(failures, "collect spoof-check rules", () => firewalls.Spoof.Collect(config.Net.Name, valid));
        if (config.HasIpam) Try(failures, "IPAM GC", () => _ipam.Gc(args));
    }

    /// <summary>
    /// IPAM STATUS, with any failure that is not already 50/51 (IPAM cannot be run at all, say) reported as
    /// not ready (50). IPAM's own 50/51 pass through.
    /// </summary>
    public void IpamStatus(CmdArgs args, BridgeConfig config)
    {
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
    public static void Try(List<Exception> failures, string what, Action step)
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
    public static void ThrowAll(List<Exception> failures, string what)
    {
        if (failures.Count == 1) throw failures[0];
        if (failures.Count > 1)
            throw new CniException(CniErrorCode.Internal, $"{what}: {failures.Count} steps failed", string.Join("; ", failures.Select(f => f.Message)));
    }
}
