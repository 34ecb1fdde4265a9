using System.Collections.Concurrent;
using System.Text.Json;

namespace Cni.Conformance.Runtime;

/// <summary>
/// A throwaway named network namespace made with `ip netns add`. Every case gets its own "host" and
/// "container" namespaces so nothing the plugins do can reach the machine's real interfaces or firewall.
/// All live namespaces are tracked so an interrupted run can still remove them.
/// </summary>
public sealed class Netns : IDisposable
{
    private static int s_counter;
    private static readonly ConcurrentDictionary<string, byte> s_live = new();

    public string Name { get; }
    public string Path => "/var/run/netns/" + Name;

    private Netns(string name) => Name = name;

    /// <summary>Creates `cnic-TAG-PID-N` with `lo` up (as a runtime's fresh sandbox would have it, or not: lo is ours to test).</summary>
    public static Netns Create(string tag, bool loUp = true)
    {
        var name = $"cnic-{tag}-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
        Proc.Must("ip", "netns", "add", name);
        s_live[name] = 0;
        var ns = new Netns(name);
        if (loUp) ns.Ip("link", "set", "lo", "up");
        return ns;
    }

    /// <summary>`ip -n NAME args...`; throws when the setup step fails.</summary>
    public string Ip(params string[] args) => Proc.Must("ip", ["-n", Name, .. args]);

    /// <summary>`ip -n NAME args...` without failing (for steps that may legitimately fail).</summary>
    public ProcResult TryIp(params string[] args) => Proc.Run("ip", ["-n", Name, .. args]);

    /// <summary>`ip -n NAME -j args...` parsed; an empty answer (or a missing object) is an empty array.</summary>
    public JsonElement IpJson(params string[] args)
    {
        var r = Proc.Run("ip", ["-n", Name, "-j", .. args]);
        var text = r.Ok && !string.IsNullOrWhiteSpace(r.Stdout) ? r.Stdout : "[]";
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>Runs a program inside the namespace (`ip netns exec`), with an exact environment.</summary>
    public ProcResult Exec(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null,
        string? stdin = null, int timeoutMs = 30_000)
        => Proc.Run("ip", ["netns", "exec", Name, file, .. args], env, stdin, timeoutMs);

    /// <summary>The whole nftables ruleset of this namespace (iptables-nft rules show up here too).</summary>
    public string Ruleset() => Exec("nft", ["list", "ruleset"]).Stdout;

    public void Dispose()
    {
        Proc.Run("ip", "netns", "del", Name);
        s_live.TryRemove(Name, out _);
    }

    /// <summary>Removes every namespace this process still holds (Ctrl-C, crash in a case).</summary>
    public static void DeleteAllLive()
    {
        foreach (var name in s_live.Keys)
        {
            Proc.Run("ip", "netns", "del", name);
            s_live.TryRemove(name, out _);
        }
    }
}
