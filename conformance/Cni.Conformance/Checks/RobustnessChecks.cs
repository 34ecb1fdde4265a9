using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;

namespace Cni.Conformance.Checks;

/// <summary>C63-C64: concurrent ADDs on one store, and tolerance of keys the plugin does not know.</summary>
public static class RobustnessChecks
{
    public static IEnumerable<CheckDef> All() =>
    [
        new("C63", "two concurrent ADDs get distinct addresses", Tags.All, C63),
        new("C64", "capabilities and unknown keys in stdin do not cause a failure", Tags.All, C64),
    ];

    private static Outcome? C63(CheckContext c)
    {
        if (c.Plugin.Kind == PluginKind.Chained) return null; // chained plugins allocate nothing to race over
        using var s = c.NewSandbox();
        var second = s.NewContainer();
        var cfg = s.Config(c.V).ToJsonString();
        var envA = s.Env("ADD");
        var envB = s.Env("ADD");
        envB["CNI_CONTAINERID"] = s.ContainerId + "-b";
        envB["CNI_NETNS"] = second.Path;
        var ta = Task.Run(() => s.Invoke("ADD", cfg, envA));
        var tb = Task.Run(() => s.Invoke("ADD", cfg, envB));
        var (a, b) = (ta.Result, tb.Result);
        var p = new List<string?> { a.Ok ? null : "ADD A: " + a.Describe(), b.Ok ? null : "ADD B: " + b.Describe() };
        // Loopback addresses are per-netns, so only plugins that allocate from a shared store must differ.
        if (c.Subject.UsesStore && a.Ok && b.Ok && a.Json is { } ra && b.Json is { } rb)
        {
            var shared = ResultShape.Addresses(ra).Intersect(ResultShape.Addresses(rb)).ToList();
            if (shared.Count > 0) p.Add("both got " + string.Join(", ", shared));
        }
        s.Invoke("DEL", cfg, AddChecks.WithVerb(envA, "DEL"));
        s.Invoke("DEL", cfg, AddChecks.WithVerb(envB, "DEL"));
        return Outcome.From(p);
    }

    private static Outcome C64(CheckContext c)
    {
        using var s = c.NewSandbox();
        void Extras(JsonObject o)
        {
            var caps = o["capabilities"] as JsonObject ?? new JsonObject();
            caps["io.kubernetes.cri.pod-annotations"] = true;
            caps["cnic-unknown-capability"] = false;
            o["capabilities"] = caps;
            o["cnicUnknownKey"] = new JsonObject { ["nested"] = new JsonArray(1, "two") };
            o["cnicUnknownFlag"] = true;
        }
        var add = s.Add(c.V, Extras);
        var del = s.WithResult("DEL", c.V, add, Extras);
        return Outcome.From([add.ExpectOk() is { } e ? "ADD: " + e : null, del.ExpectOk() is { } d ? "DEL: " + d : null]);
    }
}
