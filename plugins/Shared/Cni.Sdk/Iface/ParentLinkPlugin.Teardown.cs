using Cni.Linux.Netlink;

namespace Cni.Sdk.Iface;

public abstract partial class ParentLinkPlugin<TConfig>
{
    /// <summary>
    /// Deletes the container link, releases the lease, and lets go of a VLAN master we created (deleting it
    /// when this was its last user). Every step runs even after a failure; all failures are reported together.
    /// The link and the lease go at the same time (the reference releases the lease first, then deletes).
    /// Never resolves the default route: a host without one can still tear down (the reference ipvlan cannot).
    /// </summary>
    public void Del(CmdArgs args)
    {
        var config = Load(args);
        var failures = new List<CniException>();
        // The IPAM DEL delegate runs while this thread waits for the kernel to unregister the link.
        // using: even an exception none of the steps expected still waits for (reaps) the IPAM delegate.
        using var ipam = config.HasIpam ? Ipam.StartDel(args) : null;
        Try(failures, $"delete {Kind} {args.IfName}", () =>
        {
            using var netns = ContainerNetns.OpenIfExists(args);
            if (netns is null) return;
            using var nl = RouteNetlink.OpenIn(netns);
            if (nl.TryGetLink(args.IfName, out var link)) TryDelete(nl, link.Index);
        });
        if (ipam != null) Try(failures, "IPAM DEL", () => ipam.Finish());
        if (!config.LinkInContainer && config.Master is { } master && VlanParent.TryParse(master, out _, out _))
        {
            Try(failures, $"release VLAN parent {master}", () =>
            {
                using var hostNl = RouteNetlink.Open();
                VlanParents.Release(hostNl, master, User(config, args));
            });
        }

        if (failures.Count == 1) throw failures[0];
        if (failures.Count > 1)
            throw new CniException(CniErrorCode.Internal, $"{Kind} DEL {args.ContainerId}/{args.IfName}: {failures.Count} steps failed",
                string.Join("; ", failures.Select(f => f.Message)));
    }

    /// <summary>
    /// Releases the leases of attachments that are gone (IPAM GC) and drops them from the records of VLAN
    /// masters we created, deleting VLANs nobody uses any more.
    /// </summary>
    public void Gc(CmdArgs args)
    {
        var config = Load(args);
        var failures = new List<CniException>();
        if (!config.LinkInContainer)
        {
            Try(failures, "collect VLAN parents", () =>
            {
                using var hostNl = RouteNetlink.Open();
                VlanParents.Collect(hostNl, config.Net.Name, config.Net.ValidAttachments ?? []);
            });
        }
        if (config.HasIpam) Try(failures, "IPAM GC", () => Ipam.Gc(args));
        if (failures.Count > 0)
            throw new CniException(failures[0].Code, $"{Kind} GC for {config.Net.Name}: " + string.Join("; ", failures.Select(f => f.Message)));
    }

    /// <summary>
    /// Not ready (50) when ADD could not find its master: a named master that is missing (and is not a VLAN we
    /// could create on an existing parent), or no master named and no default route to pick one. With
    /// linkInContainer the master lives in containers, so only IPAM is asked. IPAM's own 50/51 pass through;
    /// any other IPAM failure is reported as 50.
    /// </summary>
    public void Status(CmdArgs args)
    {
        var config = Load(args);
        if (!config.LinkInContainer && ChainedMaster(config) is null)
        {
            using var hostNl = RouteNetlink.Open();
            if (config.Master is { } name)
            {
                bool creatable = VlanParent.TryParse(name, out var parent, out _) && hostNl.TryGetLink(parent, out _);
                if (!hostNl.TryGetLink(name, out _) && !creatable)
                    throw new CniException(CniErrorCode.NotReady, $"{Kind}: master {name} does not exist");
            }
            else if (ParentMaster.DefaultRouteInterface(hostNl) is null)
            {
                throw new CniException(CniErrorCode.NotReady, $"{Kind}: no master configured and no default route to take it from");
            }
        }
        if (!config.HasIpam) return;
        try
        {
            Ipam.Status(args);
        }
        catch (CniException e) when (e.Code is not (CniErrorCode.NotReady or CniErrorCode.Degraded))
        {
            throw new CniException(CniErrorCode.NotReady, $"IPAM is not ready: {e.Message}", e.Details, e);
        }
    }

    private static void Try(List<CniException> failures, string what, Action step)
    {
        try { step(); }
        catch (CniException e) { failures.Add(new CniException(e.Code, $"{what}: {e.Message}", e.Details, e)); }
        catch (IOException e) { failures.Add(new CniException(CniErrorCode.Internal, $"{what}: {e.Message}", null, e)); }
    }
}
