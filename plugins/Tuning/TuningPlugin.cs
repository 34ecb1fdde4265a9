using Cni.Linux.Netlink;
using Cni.Sdk;

namespace Cni.Plugins.Tuning;

/// <summary>
/// Chained plugin that tunes the interface an earlier plugin created: namespace sysctls and link attributes
/// (MAC, promisc, MTU, allmulticast, txqueuelen). ADD saves what it is about to change and rolls back if a later
/// step fails; DEL puts back the link attributes <em>and</em> the sysctls (the reference restores no sysctl) and
/// always succeeds; GC drops saved state of attachments that no longer exist. See README.md.
/// </summary>
public sealed class TuningPlugin : ICniPlugin
{
    public Result Add(CmdArgs args)
    {
        var cfg = TuningConfig.Load(args);
        var result = cfg.Net.PrevResult!.Clone();
        using var netns = ContainerNetns.Open(args);
        // A socket inside the container means a thread entering its netns: only for a link change (a chain's
        // tuning often has nothing to do but pass prevResult on).
        using var nl = cfg.ChangesLink ? RouteNetlink.OpenIn(netns) : null;
        using var rb = new Rollback();

        // Read everything first: a missing sysctl or interface fails before anything changed.
        var oldSysctls = TuningSysctls.ReadCurrent(netns, cfg.Sysctls);
        var before = nl != null ? TuningLink.Read(nl, args) : null;

        // Saved before the first change, so a crash half-way still leaves DEL enough to undo it.
        var state = new TuningState
        {
            Network = cfg.Net.Name, ContainerId = args.ContainerId, IfName = args.IfName,
            Sysctls = oldSysctls,
        };
        if (before != null) TuningLink.Save(state, cfg, before);
        if (oldSysctls.Count > 0 || before != null) SaveState(cfg, args, state, rb);

        TuningSysctls.Apply(netns, cfg.Sysctls, oldSysctls, rb);
        if (before != null) TuningLink.Apply(nl!, cfg, before, rb);
        if (cfg.Mac is { } mac) RewriteMac(result, args, TuningLink.Format(mac));

        // The skel prints after we return, too late to roll back: prove now that this version can hold the result
        // (0.1.0/0.2.0 cannot express a prevResult without an IP).
        ResultJson.Encode(result, cfg.Net.CniVersion);
        rb.Commit();
        return result;
    }

    public void Del(CmdArgs args)
    {
        var store = new TuningStateStore(TuningConfig.LoadDataDir(args));
        TuningState? state;
        try
        {
            state = store.TryRead(args.ContainerId, args.IfName);
        }
        catch (CniException e)
        {
            // A file we cannot parse cannot be restored either; keeping it would only make every DEL fail.
            Console.Error.WriteLine($"tuning DEL: {e}; removing it");
            store.Delete(args.ContainerId, args.IfName);
            return;
        }
        if (state is null) return;

        var failures = new List<string>();
        try
        {
            using var netns = ContainerNetns.OpenIfExists(args);
            if (netns != null)
            {
                using var nl = RouteNetlink.OpenIn(netns);
                // Reverse of ADD: link attributes first, then sysctls newest first.
                failures.AddRange(TuningLink.Restore(nl, args.IfName, state));
                failures.AddRange(TuningSysctls.Restore(netns, state.Sysctls ?? []));
            }
        }
        catch (Exception e) when (e is CniException or IOException)
        {
            failures.Add(e.Message);
        }
        // As in the reference, DEL succeeds regardless: the runtime cannot do anything about a value that would
        // not go back, and a failing DEL would block the container's teardown. Failures go to stderr.
        foreach (var f in failures) Console.Error.WriteLine("tuning DEL: " + f);
        store.Delete(args.ContainerId, args.IfName);
    }

    public void Check(CmdArgs args)
    {
        var cfg = TuningConfig.Load(args);
        using var netns = ContainerNetns.Open(args);
        using var nl = RouteNetlink.OpenIn(netns);
        TuningSysctls.Verify(netns, cfg.Sysctls);
        if (cfg.Mac != null || cfg.Promisc.HasValue || cfg.Mtu is > 0 || cfg.Allmulti.HasValue || cfg.TxQueueLength.HasValue)
            TuningLink.Verify(nl, cfg, args);
    }

    /// <summary>
    /// Removes the saved state of this network's attachments that are not in the valid list. File names carry no
    /// network, so ownership comes from the network name recorded inside; files without one (written by the
    /// reference) are left alone. The namespaces are gone by now, so there is nothing to restore, only files.
    /// An absent list (neither GC key sent) removes nothing.
    /// </summary>
    public void Gc(CmdArgs args)
    {
        if (args.Config.ValidAttachments is not { } validList) return;
        var valid = validList.Select(a => (a.ContainerId, a.IfName)).ToHashSet();
        var store = new TuningStateStore(TuningConfig.LoadDataDir(args));
        var failures = new List<string>();
        foreach (var (path, state) in store.List())
        {
            if (state?.Network != args.Config.Name || valid.Contains((state.ContainerId ?? "", state.IfName ?? ""))) continue;
            try { File.Delete(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { failures.Add($"{path}: {e.Message}"); }
        }
        if (failures.Count > 0)
            throw new CniException(CniErrorCode.IoFailure, "tuning GC: could not remove stale state", string.Join("; ", failures));
    }

    private static void SaveState(TuningConfig cfg, CmdArgs args, TuningState state, Rollback rb)
    {
        var store = new TuningStateStore(cfg.DataDir);
        var older = store.TryRead(args.ContainerId, args.IfName);
        store.Write(args.ContainerId, args.IfName, state.MergeOver(older));
        rb.Add("restore saved tuning state", () =>
        {
            if (older is null) store.Delete(args.ContainerId, args.IfName);
            else store.Write(args.ContainerId, args.IfName, older);
        });
    }

    /// <summary>
    /// The container interface in prevResult gets the new MAC. Only entries named CNI_IFNAME that sit in a
    /// sandbox: a host-side interface with the same name is not the one we changed. If no entry has a sandbox,
    /// the name alone decides (the reference's rule).
    /// </summary>
    private static void RewriteMac(Result result, CmdArgs args, string mac)
    {
        var named = result.Interfaces.Where(i => i.Name == args.IfName).ToList();
        var inSandbox = named.Where(i => !string.IsNullOrEmpty(i.Sandbox)).ToList();
        foreach (var i in inSandbox.Count > 0 ? inSandbox : named) i.Mac = mac;
    }
}
