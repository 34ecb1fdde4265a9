using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;
using Cni.Conformance.Subjects;

namespace Cni.Conformance.Checks;

/// <summary>
/// Whole conflists driven the way libcni drives them: ADD in order with each output as the next
/// prevResult, CHECK and DEL with the final result, DEL in reverse, DEL again, then GC and STATUS.
/// One row per list and version, plus one GC/STATUS row per list.
/// </summary>
public static class Chains
{
    private sealed record Conflist(string Id, string[] Types);

    private static readonly Conflist[] Lists =
    [
        new("X1", ["bridge", "portmap", "firewall", "tuning"]),
        new("X2", ["macvlan"]),
        new("X3", ["loopback"]),
    ];

    public static IEnumerable<(string Id, string Plugin, Outcome Outcome)> Run(string dir, IReadOnlyList<Plugin> found, ICollection<string>? only)
    {
        foreach (var list in Lists)
        {
            var label = string.Join("+", list.Types);
            if (only is { Count: > 0 } && !list.Types.Any(only.Contains)) continue;
            var plugins = list.Types.Select(t => found.FirstOrDefault(p => p.Name == t)
                ?? Discover(dir, t)).ToList();
            var missing = list.Types.Where((t, i) => plugins[i] == null).ToList();
            if (missing.Count > 0)
            {
                yield return (list.Id, label, Outcome.Skip($"not in {dir}: {string.Join(", ", missing)}"));
                continue;
            }
            var ps = plugins.OfType<Plugin>().ToList();
            var first = Subject.For(ps[0]);
            if (first.Unavailable is { } why)
            {
                yield return (list.Id, label, Outcome.Skip(why));
                continue;
            }
            var versions = SpecVersion.All.Where(v => ps.All(p => p.Supports(v))).ToList();
            if (versions.Count == 0) yield return (list.Id, label, Outcome.Skip("the plugins share no spec version"));
            foreach (var v in versions)
                yield return (list.Id, $"{label}@{v}", Guard(() => Cycle(ps, first, v)));
            var lacking = ps.Where(p => !p.Supports(SpecVersion.Latest)).Select(p => p.Name).ToList();
            yield return (list.Id + "-GC", label, lacking.Count > 0
                ? Outcome.Skip($"plugin does not support 1.1.0 ({string.Join(", ", lacking)})")
                : Guard(() => GcStatus(ps, first)));
        }
    }

    private static Plugin? Discover(string dir, string name)
        => File.Exists(Path.Combine(dir, name)) ? Plugin.Discover(dir, [name]).FirstOrDefault() : null;

    private static Outcome Guard(Func<Outcome> f)
    {
        try { return f(); }
        catch (Exception e) when (e is InvalidOperationException or IOException or JsonException)
        {
            return Outcome.Fail("runner error: " + e.Message);
        }
    }

    /// <summary>The plugin object for one member of the list, with the list's name and version.</summary>
    private static JsonObject Member(Sandbox s, Plugin p, string v)
    {
        var c = p.Name switch
        {
            "bridge" or "macvlan" => ((InterfaceSubject)s.Subject).Config(s, v),
            _ => new JsonObject { ["cniVersion"] = v, ["name"] = s.NetName },
        };
        c["type"] = p.Name;
        switch (p.Name)
        {
            case "portmap":
                c["capabilities"] = new JsonObject { ["portMappings"] = true };
                c["runtimeConfig"] = new JsonObject
                {
                    ["portMappings"] = new JsonArray(new JsonObject { ["hostPort"] = ChainedSubject.HostPort, ["containerPort"] = 80, ["protocol"] = "tcp" }),
                };
                break;
            case "tuning":
                c["capabilities"] = new JsonObject { ["mac"] = true };
                c["runtimeConfig"] = new JsonObject { ["mac"] = ChainedSubject.RequestedMac };
                c["dataDir"] = Path.Combine(s.DataDir, "tuning");
                break;
        }
        return c;
    }

    private static PluginRun Invoke(Sandbox s, Plugin p, string verb, JsonObject cfg)
        => new(verb, s.Host.Exec(p.Path, [], s.Env(verb), cfg.ToJsonString()));

    private static Outcome Cycle(List<Plugin> ps, Subject first, string v)
    {
        using var s = new Sandbox(ps[0], first);
        var p = new List<string>();
        JsonNode? prev = null;
        foreach (var plugin in ps)
        {
            var cfg = Member(s, plugin, v);
            if (prev != null) cfg["prevResult"] = prev.DeepClone();
            var add = Invoke(s, plugin, "ADD", cfg);
            if (!add.Ok || add.Json is not JsonElement r) { p.Add($"ADD {plugin.Name}: {add.Describe()}"); break; }
            prev = JsonNode.Parse(r.GetRawText());
        }
        if (prev != null && p.Count == 0)
        {
            using var doc = JsonDocument.Parse(prev.ToJsonString());
            p.AddRange(ResultShape.Problems(doc.RootElement, v, false).Select(x => "final result: " + x));
            p.AddRange(Present(s, ps, doc.RootElement).Select(x => "after ADD: " + x));
        }
        var withPrev = SpecVersion.AtLeast(v, "0.4.0");
        if (p.Count == 0 && withPrev)
            foreach (var plugin in ps)
            {
                var cfg = Member(s, plugin, v);
                cfg["prevResult"] = prev!.DeepClone();
                if (Invoke(s, plugin, "CHECK", cfg) is { Ok: false } chk) p.Add($"CHECK {plugin.Name}: {chk.Describe()}");
            }
        for (var round = 1; round <= 2; round++)
            foreach (var plugin in Enumerable.Reverse(ps))
            {
                var cfg = Member(s, plugin, v);
                if (withPrev && prev != null) cfg["prevResult"] = prev.DeepClone();
                if (Invoke(s, plugin, "DEL", cfg) is { Ok: false } del) p.Add($"DEL#{round} {plugin.Name}: {del.Describe()}");
            }
        p.AddRange(Gone(s, ps).Select(x => "after DEL: " + x));
        return Outcome.From(p, withPrev ? "ADD, CHECK, DEL, DEL" : "ADD, DEL, DEL (no CHECK below 0.4.0)");
    }

    private static List<string> Present(Sandbox s, List<Plugin> ps, JsonElement final)
    {
        var p = new List<string>();
        var ifname = ps[0].Name == "loopback" ? "lo" : s.IfName;
        if (LinkState.Link(s.Container, ifname) == null) p.Add($"{ifname} missing in the container");
        else if (ps[0].Name == "loopback" && !LinkState.IsUp(s.Container, "lo")) p.Add("lo is not up");
        var addrs = ResultShape.Addresses(final);
        var rules = s.Host.Ruleset();
        foreach (var plugin in ps.Skip(1))
            switch (plugin.Name)
            {
                case "portmap" when !rules.Contains(ChainedSubject.HostPort.ToString(), StringComparison.Ordinal):
                    p.Add("no portmap rule for the host port"); break;
                case "firewall" when addrs.Count > 0 && !rules.Contains(addrs[0].Split('/')[0], StringComparison.Ordinal):
                    p.Add("no firewall rule for the container address"); break;
                case "tuning" when LinkState.Mac(s.Container, s.IfName) != ChainedSubject.RequestedMac:
                    p.Add("tuning did not set the requested MAC"); break;
            }
        return p;
    }

    private static List<string> Gone(Sandbox s, List<Plugin> ps)
    {
        var p = new List<string>();
        if (ps[0].Name != "loopback" && LinkState.Link(s.Container, s.IfName) != null) p.Add($"{s.IfName} still in the container");
        if (s.Reservations() is { Count: > 0 } left) p.Add($"reservation(s) left: {string.Join(", ", left)}");
        if (ps.Any(x => x.Name == "portmap") && s.Host.Ruleset().Contains(ChainedSubject.HostPort.ToString(), StringComparison.Ordinal))
            p.Add("portmap rule left");
        return p;
    }

    private static Outcome GcStatus(List<Plugin> ps, Subject first)
    {
        using var s = new Sandbox(ps[0], first);
        var p = new List<string>();
        JsonNode? prev = null;
        foreach (var plugin in ps)
        {
            var cfg = Member(s, plugin, SpecVersion.Latest);
            if (prev != null) cfg["prevResult"] = prev.DeepClone();
            var add = Invoke(s, plugin, "ADD", cfg);
            if (!add.Ok || add.Json is not JsonElement r) return Outcome.Fail($"ADD {plugin.Name}: {add.Describe()}");
            prev = JsonNode.Parse(r.GetRawText());
        }
        // What libcni does for a stale attachment: GC every plugin with a list that no longer names it.
        foreach (var plugin in ps)
        {
            var cfg = Member(s, plugin, SpecVersion.Latest);
            cfg.Remove("runtimeConfig");
            cfg["cni.dev/valid-attachments"] = new JsonArray();
            cfg["cni.dev/attachments"] = new JsonArray();
            var env = new Dictionary<string, string> { ["CNI_COMMAND"] = "GC", ["CNI_PATH"] = plugin.Dir };
            if (new PluginRun("GC", s.Host.Exec(plugin.Path, [], env, cfg.ToJsonString())) is { Ok: false } gc) p.Add($"GC {plugin.Name}: {gc.Describe()}");
        }
        if (s.Reservations() is { Count: > 0 } left) p.Add($"GC left reservation(s): {string.Join(", ", left)}");
        foreach (var plugin in ps)
        {
            var cfg = Member(s, plugin, SpecVersion.Latest);
            cfg.Remove("runtimeConfig");
            var env = new Dictionary<string, string> { ["CNI_COMMAND"] = "STATUS", ["CNI_PATH"] = plugin.Dir };
            if (new PluginRun("STATUS", s.Host.Exec(plugin.Path, [], env, cfg.ToJsonString())) is { Ok: false } st) p.Add($"STATUS {plugin.Name}: {st.Describe()}");
        }
        return Outcome.From(p, "GC (empty list), STATUS");
    }
}
