using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;

namespace Cni.Conformance.Checks;

/// <summary>C15-C23: malformed stdin and invalid configs.</summary>
public static class ConfigChecks
{
    public static IEnumerable<CheckDef> All() =>
    [
        new("C15", "ADD with empty stdin is err 6", Tags.All, c => Raw(c, "", 6)),
        new("C16", "ADD with truncated JSON is err 6", Tags.All, c => Raw(c, """{"cniVersion":""", 6)),
        new("C17", "ADD with a non-object stdin is err 6", Tags.All, c => Raw(c, "[1]", 6)),
        new("C18", "ADD with a numeric cniVersion is err 6", Tags.All, c => Edited(c, o => o["cniVersion"] = 1, 6)),
        new("C19", "ADD without name is err 7", Tags.All, c => Edited(c, o => o.Remove("name"), 7)),
        new("C20", "ADD with name -n/ is err 7", Tags.All, c => Edited(c, o => o["name"] = "-n/", 7)),
        new("C21", "ADD with an unsupported cniVersion is err 1 and creates nothing", Tags.All, C21),
        new("C22", "ADD without cniVersion is err 1 or a 0.1.0 result", Tags.All, C22),
        new("C23", "a plugin-invalid config is an error", Tags.If | Tags.Ipam, C23),
    ];

    private static Outcome Raw(CheckContext c, string stdin, int code)
    {
        using var s = c.NewSandbox();
        var r = s.Invoke("ADD", stdin);
        return Outcome.From([r.ExpectError(code)]);
    }

    private static Outcome Edited(CheckContext c, Action<JsonObject> edit, int code)
    {
        using var s = c.NewSandbox();
        var before = Snapshot.Take(s);
        var r = s.Add(c.V, edit);
        var p = new List<string?> { r.ExpectError(code) };
        if (r.Ok) s.WithResult("DEL", c.V, r);
        else p.AddRange(Snapshot.Take(s).LeftoversSince(before));
        return Outcome.From(p);
    }

    private static Outcome C21(CheckContext c) => Edited(c, o => o["cniVersion"] = SpecVersion.Bogus, 1);

    private static Outcome C22(CheckContext c)
    {
        using var s = c.NewSandbox();
        // A chained plugin gets a prevResult in the version the runtime would assume (0.1.0).
        var cfg = s.Config("0.1.0");
        cfg.Remove("cniVersion");
        var before = Snapshot.Take(s);
        var r = s.Invoke("ADD", cfg);
        if (r.ErrorCode == 1)
        {
            var left = Snapshot.Take(s).LeftoversSince(before);
            return left.Count == 0 ? Outcome.Pass("err 1") : Outcome.Fail("err 1 but " + string.Join("; ", left));
        }
        if (!r.Ok) return Outcome.Fail("neither err 1 nor ok: " + r.Describe());
        s.Invoke("DEL", cfg);
        if (!c.Plugin.Supports("0.1.0")) return Outcome.Fail("ok although the plugin does not announce 0.1.0");
        if (r.Json is not { } j) return Outcome.Fail("ok but stdout is not one JSON document");
        var p = ResultShape.Problems(j, "0.1.0", c.Plugin.Kind == PluginKind.Ipam);
        return Outcome.From(p, "ok with a 0.1.0 result");
    }

    private static Outcome? C23(CheckContext c)
    {
        using var s = c.NewSandbox();
        if (c.Subject.InvalidConfig(s, c.V) is not { } cfg) return null;
        var before = Snapshot.Take(s);
        var r = s.Invoke("ADD", cfg);
        if (r.Ok)
        {
            s.WithResult("DEL", c.V, r, o => o["ipam"] = cfg["ipam"]?.DeepClone());
            return Outcome.Fail("invalid config accepted: " + cfg.ToJsonString());
        }
        var p = new List<string?> { r.ExpectAnyError() };
        p.AddRange(Snapshot.Take(s).LeftoversSince(before));
        return Outcome.From(p, r.ErrorCode == 7 ? "err 7" : $"err {r.ErrorCode} (7 preferred)");
    }
}
