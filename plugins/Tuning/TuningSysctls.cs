using Cni.Linux.Netns;
using Cni.Linux.Sysctl;
using Cni.Sdk;

namespace Cni.Plugins.Tuning;

/// <summary>
/// The sysctl half of tuning. /proc/sys/net answers for the namespace of the calling thread, so every step
/// runs all its keys inside the container namespace in one <see cref="NetNs.Run{T}"/> (one thread switch, not
/// one per key).
/// </summary>
internal static class TuningSysctls
{
    /// <summary>The current values, read before anything is written. A key with no /proc/sys file is code 7.</summary>
    public static List<SavedSysctl> ReadCurrent(NetNs netns, IReadOnlyList<SysctlSetting> settings)
        => settings.Count == 0 ? [] : netns.Run(() => settings.Select(s => new SavedSysctl { Path = s.Path, Value = Read(s) }).ToList());

    /// <summary>Writes each value in order; what was written is undone by <paramref name="rb"/> if ADD fails later.</summary>
    public static void Apply(NetNs netns, IReadOnlyList<SysctlSetting> settings, IReadOnlyList<SavedSysctl> old, Rollback rb)
    {
        if (settings.Count == 0) return;
        int written = 0;
        rb.Add("restore sysctls", () => Restore(netns, old.Take(written)).ForEach(Console.Error.WriteLine));
        netns.Run(() =>
        {
            foreach (var s in settings)
            {
                Write(s.Path, s.Value, $"set sysctl {s.Key} ({s.FullPath}) to \"{s.Value}\"");
                written++;
            }
        });
    }

    /// <summary>
    /// Puts saved values back, newest first (a later write may depend on an earlier one). A key whose file is gone
    /// (its interface was deleted) has nothing left to restore. Returns the failures instead of throwing: DEL keeps
    /// going.
    /// </summary>
    public static List<string> Restore(NetNs netns, IEnumerable<SavedSysctl> saved)
    {
        var list = saved.Reverse().ToList();
        if (list.Count == 0) return [];
        return netns.Run(() =>
        {
            var failures = new List<string>();
            foreach (var s in list)
            {
                try { ProcSys.Write(s.Path, s.Value); }
                catch (IOException e) when (IsMissing(e)) { }
                catch (IOException e) { failures.Add($"restore sysctl {s.Path}: {e.Message}"); }
            }
            return failures;
        });
    }

    /// <summary>CHECK: each configured value must still be in place (compared with whitespace normalised).</summary>
    public static void Verify(NetNs netns, IReadOnlyList<SysctlSetting> settings)
    {
        if (settings.Count == 0) return;
        netns.Run(() =>
        {
            foreach (var s in settings)
            {
                string current = Read(s);
                // Multi-value keys read back tab-separated ("32768\t60999") whatever separator was written.
                if (Normalise(current) != Normalise(s.Value))
                    throw new CniException(CniErrorCode.Internal,
                        $"sysctl {s.Key} ({s.FullPath}) is \"{current}\", configured \"{s.Value}\"");
            }
        });
    }

    private static string Read(SysctlSetting s)
    {
        try
        {
            return ProcSys.Read(s.Path);
        }
        catch (IOException e) when (IsMissing(e))
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"no such sysctl {s.Key} ({s.FullPath})", e.Message);
        }
    }

    private static void Write(string path, string value, string what)
    {
        try
        {
            ProcSys.Write(path, value);
        }
        catch (IOException e)
        {
            // The kernel rejects a value it cannot parse or accept with EINVAL: the config is at fault.
            var code = e.InnerException is IOException { HResult: 22 } || e.Message.Contains("Invalid argument", StringComparison.Ordinal)
                ? CniErrorCode.InvalidNetworkConfig
                : CniErrorCode.Internal;
            throw new CniException(code, what, e.Message, e);
        }
    }

    private static bool IsMissing(IOException e)
        => e is FileNotFoundException or DirectoryNotFoundException
           || e.InnerException is FileNotFoundException or DirectoryNotFoundException;

    private static string Normalise(string v) => string.Join(' ', v.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
