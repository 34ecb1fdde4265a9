using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;
using Cni.Conformance.Subjects;

namespace Cni.Conformance.Checks;

/// <summary>C51-C53: results keep the config's version and only carry what that version can express.</summary>
public static class VersionChecks
{
    public static IEnumerable<CheckDef> All() =>
    [
        new("C51", "chained output keeps 0.4.0 / 1.0.0 and 0.4.0 ips keep version", Tags.Ch, C51),
        new("C52", "0.2.0 with two ranges or without IPAM fails cleanly or keeps the first address", Tags.If, C52),
        new("C53", "a 1.0.0 result carries no 1.1-only fields (warning)", Tags.All, C53),
    ];

    private static Outcome C51(CheckContext c)
    {
        var p = new List<string>();
        var tried = new List<string>();
        foreach (var v in new[] { "0.4.0", "1.0.0" }.Where(c.Plugin.Supports))
        {
            tried.Add(v);
            using var s = c.NewSandbox();
            var add = s.Add(v);
            if (!add.Ok || add.Json is not { } r) p.Add($"{v}: ADD {add.Describe()}");
            else p.AddRange(ResultShape.Problems(r, v, false).Select(x => $"{v}: {x}"));
            s.WithResult("DEL", v, add);
        }
        return tried.Count == 0 ? Outcome.Skip("plugin supports neither 0.4.0 nor 1.0.0") : Outcome.From(p, "versions " + string.Join(",", tried));
    }

    private static Outcome C52(CheckContext c)
    {
        if (!c.Plugin.Supports("0.2.0")) return Outcome.Skip("plugin does not support 0.2.0");
        var p = new List<string>();
        using (var s = c.NewSandbox())
        {
            var ipam = Subject.HostLocal(s);
            ((JsonArray)ipam["ranges"]!).Add((JsonNode)new JsonArray(new JsonObject { ["subnet"] = "10.67.0.0/24" }));
            var before = Snapshot.Take(s);
            var add = s.Add("0.2.0", o => o["ipam"] = ipam);
            if (add.Ok)
            {
                if (add.Json is not { } r) p.Add("two ranges: ok but stdout is not one JSON document");
                else
                {
                    p.AddRange(ResultShape.Problems(r, "0.2.0", false).Select(x => "two ranges: " + x));
                    var ip = r.TryGetProperty("ip4", out var ip4) && ip4.TryGetProperty("ip", out var a) ? a.GetString() : null;
                    if (ip == null || !ip.StartsWith("10.66.", StringComparison.Ordinal)) p.Add($"two ranges: ip4 is {ip}, expected the first range's address");
                }
                s.WithResult("DEL", "0.2.0", add, o => o["ipam"] = ipam.DeepClone());
            }
            else p.AddRange(Snapshot.Take(s).LeftoversSince(before).Select(x => "two ranges, after the error: " + x));
        }
        using (var s = c.NewSandbox())
        {
            var before = Snapshot.Take(s);
            var add = s.Add("0.2.0", o => o.Remove("ipam"));
            if (add.ExpectAnyError() is { } e) p.Add("L2-only: " + e);
            else p.AddRange(Snapshot.Take(s).LeftoversSince(before).Select(x => "L2-only, after the error: " + x));
            s.Invoke("DEL", ((InterfaceSubject)c.Subject).Config(s, "0.2.0", null));
        }
        return Outcome.From(p);
    }

    private static Outcome C53(CheckContext c)
    {
        if (!c.Plugin.Supports("1.0.0")) return Outcome.Skip("plugin does not support 1.0.0");
        using var s = c.NewSandbox();
        var routes = new JsonArray(new JsonObject { ["dst"] = "10.123.0.0/16", ["mtu"] = 1400, ["priority"] = 10 });
        var add = s.Add("1.0.0", o =>
        {
            if (o["ipam"] is JsonObject ipam && (string?)ipam["type"] == "host-local") ipam["routes"] = routes.DeepClone();
            if (o["ipam"] is JsonObject st && (string?)st["type"] == "static") st["routes"] = routes.DeepClone();
            if (o["prevResult"] is JsonObject pr) pr["routes"] = routes.DeepClone();
        });
        try
        {
            if (!add.Ok || add.Json is not JsonElement r) return Outcome.Fail("ADD: " + add.Describe());
            var cv = r.TryGetProperty("cniVersion", out var v) ? v.GetString() : null;
            if (cv != "1.0.0") return Outcome.Fail($"result cniVersion is {cv}, not 1.0.0");
            var newer = ResultShape.NewerFields(r);
            return newer.Count == 0 ? Outcome.Pass() : Outcome.Warn("1.0.0 result keeps 1.1-only fields: " + string.Join(", ", newer));
        }
        finally { s.WithResult("DEL", "1.0.0", add); }
    }
}
