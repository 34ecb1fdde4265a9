using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;

namespace Cni.Conformance.Checks;

/// <summary>C54-C58: GC (1.1.0) releases what is not in the valid-attachments list, and only that.</summary>
public static class GcChecks
{
    public static IEnumerable<CheckDef> All() =>
    [
        new("C54", "GC keeps valid attachments and frees the rest", Tags.All, c => KeepOne(c, "cni.dev/valid-attachments")) { NeedsLatest = true },
        new("C55", "GC honours the legacy cni.dev/attachments key", Tags.All, c => KeepOne(c, "cni.dev/attachments")) { NeedsLatest = true },
        new("C56", "GC with cniVersion 1.0.0 is err 1", Tags.All, C56) { NeedsLatest = true },
        new("C57", "GC with an empty list frees everything, twice", Tags.All, C57) { NeedsLatest = true },
        new("C58", "GC on an interface plugin is passed to IPAM", Tags.If, C57) { NeedsLatest = true },
    ];

    private static JsonObject GcConfig(Sandbox s, string key, params (string Cid, string If)[] valid)
    {
        var c = s.Subject.Config(s, SpecVersion.Latest);
        c.Remove("prevResult");
        c.Remove("runtimeConfig");
        var list = new JsonArray();
        foreach (var (cid, ifn) in valid) list.Add((JsonNode)new JsonObject { ["containerID"] = cid, ["ifname"] = ifn });
        c[key] = list;
        return c;
    }

    private static Dictionary<string, string> GcEnv(Sandbox s) => new() { ["CNI_COMMAND"] = "GC", ["CNI_PATH"] = s.Plugin.Dir };

    private static Outcome KeepOne(CheckContext c, string key)
    {
        using var s = c.NewSandbox();
        var a = s.Add(SpecVersion.Latest);
        if (!a.Ok) return Outcome.Fail("ADD A: " + a.Describe());
        var aId = s.ContainerId;
        var aRes = s.Reservations();
        // B lives in a second container (same network, same store).
        var cont2 = s.NewContainer();
        s.ContainerId = aId + "-b";
        var envB = s.Env("ADD");
        envB["CNI_NETNS"] = cont2.Path;
        var b = s.Add(SpecVersion.Latest, env: c.Plugin.Kind == PluginKind.Chained ? null : envB);
        var p = new List<string?>();
        if (!b.Ok && c.Plugin.Kind != PluginKind.Chained) return Outcome.Fail("ADD B: " + b.Describe());
        var gc = s.Invoke("GC", GcConfig(s, key, (aId, s.IfName)), GcEnv(s));
        p.Add(gc.ExpectOk());
        if (gc.Ok && gc.Stdout.Trim().Length > 0) p.Add("GC printed output: " + gc.Stdout.Trim());
        if (c.Subject.UsesStore)
        {
            var left = s.Reservations();
            if (!aRes.All(left.Contains)) p.Add($"A's reservation {string.Join(",", aRes)} was removed (left: {string.Join(",", left)})");
            if (left.Except(aRes).Any()) p.Add($"B's reservation was not removed (left: {string.Join(",", left)})");
        }
        s.WithResult("DEL", SpecVersion.Latest, b, env: c.Plugin.Kind == PluginKind.Chained ? null : AddChecks.WithVerb(envB, "DEL"));
        s.ContainerId = aId;
        s.WithResult("DEL", SpecVersion.Latest, a);
        return Outcome.From(p);
    }

    private static Outcome C56(CheckContext c)
    {
        using var s = c.NewSandbox();
        var cfg = GcConfig(s, "cni.dev/valid-attachments");
        cfg["cniVersion"] = "1.0.0";
        return Outcome.From([s.Invoke("GC", cfg, GcEnv(s)).ExpectError(1)]);
    }

    private static Outcome C57(CheckContext c)
    {
        using var s = c.NewSandbox();
        var a = s.Add(SpecVersion.Latest);
        if (!a.Ok) return Outcome.Fail("ADD: " + a.Describe());
        var p = new List<string?>();
        var cfg = GcConfig(s, "cni.dev/valid-attachments");
        cfg["cni.dev/attachments"] = new JsonArray();
        var gc1 = s.Invoke("GC", cfg, GcEnv(s));
        p.Add(gc1.ExpectOk() is { } e1 ? "first GC: " + e1 : null);
        if (c.Subject.UsesStore && s.Reservations() is { Count: > 0 } left) p.Add($"reservation(s) left after GC: {string.Join(", ", left)}");
        if (c.Plugin.Name is "portmap" or "firewall")
            p.AddRange(c.Subject.VerifyGone(s).Select(x => "after GC: " + x));
        var gc2 = s.Invoke("GC", cfg, GcEnv(s));
        p.Add(gc2.ExpectOk() is { } e2 ? "second GC: " + e2 : null);
        s.WithResult("DEL", SpecVersion.Latest, a);
        return Outcome.From(p);
    }
}
