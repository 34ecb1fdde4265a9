using Cni.Linux.FileSystem;
using Cni.Sdk;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// host-local IPAM: hands out addresses from configured ranges and remembers them in a directory shared
/// with the reference plugin. Beyond the reference: <c>exclude</c>, GC, STATUS, a CHECK that compares with
/// prevResult, per-owner index (constant-cost ADD/DEL), crash-safe leases and a bounded lock wait.
/// </summary>
public sealed class HostLocalPlugin : ICniPlugin
{
    public Result Add(CmdArgs args)
    {
        var cfg = LoadFull(args);
        var dns = cfg.ResolvConf is { } path ? ResolvConf.Read(path) : new Dns();
        var owner = new LeaseOwner(args.ContainerId, args.IfName);
        var got = WithStore(cfg.DataDir, cfg.Name, cfg.LockTimeout,
            store => new IpAllocator(store, cfg.RangeSets, cfg.Exclude).Allocate(owner, cfg.RequestedIps));
        return new Result
        {
            Ips = got.Select(a => new IpConfig { Address = a.Address, Gateway = a.Gateway }).ToList(),
            Routes = cfg.Routes.Select(r => r.Clone()).ToList(),
            Dns = dns,
        };
    }

    /// <summary>
    /// Releases every lease of (container, ifname), or its legacy id-only leases. Needs only the name and
    /// dataDir, so a network whose ranges were since edited into something invalid can still be cleaned up.
    /// </summary>
    public void Del(CmdArgs args)
    {
        HostLocalConfig.ParseCommon(args.Config.Raw, args.Config.Name, out var dataDir, out var timeout);
        var owner = new LeaseOwner(args.ContainerId, args.IfName);
        WithStore(dataDir, args.Config.Name, timeout, store =>
        {
            foreach (var ip in store.FindForRelease(owner)) store.Release(ip);
            return 0;
        });
    }

    /// <summary>
    /// The owner must hold a lease, and when prevResult is given, the addresses it lists inside our ranges
    /// must be exactly the ones this owner holds there.
    /// </summary>
    public void Check(CmdArgs args)
    {
        var cfg = LoadFull(args);
        var owner = new LeaseOwner(args.ContainerId, args.IfName);
        var held = WithStore(cfg.DataDir, cfg.Name, cfg.LockTimeout, store => store.FindForRelease(owner));
        if (held.Count == 0)
            throw new CniException(CniErrorCode.Internal, $"host-local: failed to find address added by container {args.ContainerId}",
                $"no lease for {owner} in {cfg.NetworkDir}");
        if (args.Config.PrevResult is not { } prev) return;
        var expected = prev.Ips.Select(i => i.Address.Address).Where(ip => cfg.RangeSets.Any(s => s.Contains(ip))).ToList();
        foreach (var ip in expected)
            if (!held.Contains(ip))
                throw new CniException(CniErrorCode.Internal, $"host-local: {ip} from prevResult is not leased to {owner}");
        foreach (var ip in held)
            if (cfg.RangeSets.Any(s => s.Contains(ip)) && !expected.Contains(ip))
                throw new CniException(CniErrorCode.Internal, $"host-local: {owner} holds {ip}, which prevResult does not list");
    }

    /// <summary>
    /// Releases every lease of this network whose owner is not in <c>cni.dev/valid-attachments</c> (legacy
    /// id-only leases survive if any valid attachment has their container ID). Other networks' directories are
    /// never opened. A GC without the list is refused rather than taken as "release everything".
    /// </summary>
    public void Gc(CmdArgs args)
    {
        HostLocalConfig.ParseCommon(args.Config.Raw, args.Config.Name, out var dataDir, out var timeout);
        var valid = args.Config.ValidAttachments
            ?? throw new CniException(CniErrorCode.InvalidNetworkConfig, "GC needs cni.dev/valid-attachments");
        var keep = valid.Select(a => new LeaseOwner(a.ContainerId, a.IfName)).ToHashSet();
        var keepIds = valid.Select(a => a.ContainerId.Trim()).ToHashSet(StringComparer.Ordinal);
        WithStore(dataDir, args.Config.Name, timeout, store =>
        {
            foreach (var lease in store.ListAll())
            {
                bool live = lease.Owner.IsLegacy ? keepIds.Contains(lease.Owner.ContainerId) : keep.Contains(lease.Owner);
                if (!live) store.Release(lease.Address);
            }
            store.PruneIndex();
            return 0;
        });
    }

    /// <summary>Not ready (50) when the store cannot be written or a range set has no free address left.</summary>
    public void Status(CmdArgs args)
    {
        var cfg = HostLocalConfig.Parse(args.Config.Raw, args.Config.Name, args.Config.CniVersion, null);
        try
        {
            using var store = DiskIpStore.Open(cfg.DataDir, cfg.Name, cfg.LockTimeout);
            store.ProbeWritable();
            var leased = store.ListAll().Select(l => l.Address).ToHashSet();
            for (int i = 0; i < cfg.RangeSets.Count; i++)
                if (Capacity.Free(cfg.RangeSets[i], cfg.Exclude, leased) == 0)
                    throw new CniException(CniErrorCode.NotReady, $"range set {i} ({cfg.RangeSets[i]}) has no free address");
        }
        catch (CniException e) when (e.Code is CniErrorCode.IoFailure or CniErrorCode.TryAgainLater)
        {
            throw new CniException(CniErrorCode.NotReady, $"host-local store not usable: {e.Message}", e.Details);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.NotReady, $"host-local store {cfg.NetworkDir} is not writable: {e.Message}");
        }
    }

    private static HostLocalConfig LoadFull(CmdArgs args)
    {
        var cniArgs = CniArgsParser.Parse(args.Args, "IP");
        return HostLocalConfig.Parse(args.Config.Raw, args.Config.Name, args.Config.CniVersion, cniArgs.GetValueOrDefault("IP"));
    }

    /// <summary>Runs <paramref name="work"/> under the network's lock; file-system failures become code 5.</summary>
    private static T WithStore<T>(string dataDir, string name, TimeSpan timeout, Func<DiskIpStore, T> work)
    {
        try
        {
            using var store = DiskIpStore.Open(dataDir, name, timeout);
            return work(store);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IoFailure, $"host-local store {Path.Combine(dataDir, name)}: {e.Message}");
        }
    }
}
