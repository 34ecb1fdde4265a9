using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Conformance.Subjects;

namespace Cni.Conformance.Runtime;

/// <summary>
/// One case's world: a throwaway "host" netns the plugin runs in, a "container" netns, a temp IPAM
/// dataDir and a unique network name and container ID. Everything is removed on Dispose, even after a failure.
/// </summary>
public sealed class Sandbox : IDisposable
{
    private static int s_counter;

    public Plugin Plugin { get; }
    public Subject Subject { get; }
    public Netns Host { get; }
    public Netns Container { get; }
    public string DataDir { get; }
    public string NetName { get; }
    public string ContainerId { get; set; }
    public string IfName { get; set; } = "eth0";
    public int Serial { get; }

    /// <summary>Facts a subject records during setup (original MAC and the like) for later read-back.</summary>
    public Dictionary<string, string> Notes { get; } = [];

    /// <summary>Extra container namespaces a case asks for (second container in a GC or concurrency case).</summary>
    private readonly List<Netns> _extra = [];

    public Sandbox(Plugin plugin, Subject subject)
    {
        Plugin = plugin;
        Subject = subject;
        Serial = Interlocked.Increment(ref s_counter);
        NetName = $"cnic-net{Serial}";
        ContainerId = $"cnic-ctr{Serial}";
        DataDir = Directory.CreateTempSubdirectory("cni-conformance-").FullName;
        Host = Netns.Create("h");
        try
        {
            Container = Netns.Create("c");
            subject.Prepare(this);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Netns NewContainer()
    {
        var ns = Netns.Create("c");
        _extra.Add(ns);
        return ns;
    }

    /// <summary>The store the host-local IPAM writes for this case's network.</summary>
    public string StoreDir => System.IO.Path.Combine(DataDir, NetName);

    /// <summary>Reserved addresses in the host-local store (file names, minus lock and cursor files).</summary>
    public List<string> Reservations() => Directory.Exists(StoreDir)
        ? [.. Directory.EnumerateFiles(StoreDir).Select(System.IO.Path.GetFileName).OfType<string>()
            .Where(f => f != "lock" && !f.StartsWith("last_reserved_ip", StringComparison.Ordinal)).Order()]
        : [];

    /// <summary>The env a runtime sets for <paramref name="verb"/>; edit it to provoke env errors.</summary>
    public Dictionary<string, string> Env(string verb)
    {
        var env = new Dictionary<string, string> { ["CNI_COMMAND"] = verb, ["CNI_PATH"] = Plugin.Dir };
        if (verb is "ADD" or "DEL" or "CHECK")
        {
            env["CNI_CONTAINERID"] = ContainerId;
            env["CNI_NETNS"] = Container.Path;
            env["CNI_IFNAME"] = IfName;
        }
        return env;
    }

    /// <summary>The plugin's config for this case in <paramref name="version"/>, prevResult included for chained plugins.</summary>
    public JsonObject Config(string version, JsonNode? prevResult = null)
    {
        var c = Subject.Config(this, version);
        var prev = prevResult ?? Subject.PrevResult(this, version);
        if (prev != null) c["prevResult"] = prev.DeepClone();
        return c;
    }

    /// <summary>Runs the plugin binary inside the host netns, exactly as a runtime would.</summary>
    public PluginRun Invoke(string verb, string? stdin, IReadOnlyDictionary<string, string>? env = null)
        => new(verb, Host.Exec(Plugin.Path, [], env ?? Env(verb), stdin));

    public PluginRun Invoke(string verb, JsonNode config, IReadOnlyDictionary<string, string>? env = null)
        => Invoke(verb, config.ToJsonString(), env);

    public PluginRun Add(string version, Action<JsonObject>? edit = null, IReadOnlyDictionary<string, string>? env = null)
    {
        var c = Config(version);
        edit?.Invoke(c);
        return Invoke("ADD", c, env);
    }

    /// <summary>DEL or CHECK with the ADD result as prevResult (what a runtime caches and replays).</summary>
    public PluginRun WithResult(string verb, string version, PluginRun? add, Action<JsonObject>? edit = null,
        IReadOnlyDictionary<string, string>? env = null)
    {
        var c = Subject.Config(this, version);
        if (add?.Json is { ValueKind: JsonValueKind.Object } r) c["prevResult"] = JsonNode.Parse(r.GetRawText());
        edit?.Invoke(c);
        return Invoke(verb, c, env);
    }

    public void Dispose()
    {
        foreach (var ns in _extra) ns.Dispose();
        Container?.Dispose();
        Host?.Dispose();
        try { Directory.Delete(DataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
