using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;
using Cni.Conformance.Subjects;

namespace Cni.Conformance.Checks;

/// <summary>C59-C62: STATUS (1.1.0) reports readiness, and fails when the plugin could not serve ADD.</summary>
public static class StatusChecks
{
    public static IEnumerable<CheckDef> All() =>
    [
        new("C59", "STATUS with only CNI_COMMAND and CNI_PATH is ok, empty stdout", Tags.All, C59) { NeedsLatest = true },
        new("C60", "STATUS with cniVersion 0.4.0 is err 1", Tags.All, C60) { NeedsLatest = true },
        new("C61", "host-local STATUS on a full range is err 50 (recommended)", Tags.Ipam, C61) { NeedsLatest = true },
        new("C62", "STATUS with a missing IPAM binary is an error (50 preferred)", Tags.If, C62) { NeedsLatest = true },
    ];

    private static Dictionary<string, string> Env(Sandbox s) => new() { ["CNI_COMMAND"] = "STATUS", ["CNI_PATH"] = s.Plugin.Dir };

    private static JsonObject Cfg(Sandbox s, string version)
    {
        var c = s.Subject.Config(s, version);
        c.Remove("prevResult");
        c.Remove("runtimeConfig");
        return c;
    }

    private static Outcome C59(CheckContext c)
    {
        using var s = c.NewSandbox();
        var r = s.Invoke("STATUS", Cfg(s, SpecVersion.Latest), Env(s));
        return Outcome.From([r.ExpectOk(), r.Ok && r.Stdout.Trim().Length > 0 ? "STATUS printed output: " + r.Stdout.Trim() : null]);
    }

    private static Outcome C60(CheckContext c)
    {
        using var s = c.NewSandbox();
        return Outcome.From([s.Invoke("STATUS", Cfg(s, "0.4.0"), Env(s)).ExpectError(1)]);
    }

    private static Outcome C61(CheckContext c)
    {
        if (c.Subject is not IpamSubject { IsHostLocal: true } ipam) return Outcome.Skip("static allocates nothing, so it cannot run out");
        using var s = c.NewSandbox();
        // A /30 has one usable address once the gateway (.1) is taken out.
        const string full = "10.68.0.0/30";
        var add = s.Invoke("ADD", ipam.Config(s, SpecVersion.Latest, full));
        if (!add.Ok) return Outcome.Fail("ADD into the /30: " + add.Describe());
        var r = s.Invoke("STATUS", ipam.Config(s, SpecVersion.Latest, full), Env(s));
        s.Invoke("DEL", ipam.Config(s, SpecVersion.Latest, full));
        if (r.ErrorCode == 50) return Outcome.Pass("err 50");
        if (r.Ok) return Outcome.Warn("STATUS is ok although the range is exhausted (err 50 recommended)");
        return Outcome.From([r.ExpectAnyError()], $"err {r.ErrorCode} (50 recommended)");
    }

    private static Outcome C62(CheckContext c)
    {
        using var s = c.NewSandbox();
        var cfg = Cfg(s, SpecVersion.Latest);
        cfg["ipam"] = new JsonObject { ["type"] = "cnic-no-such-ipam" };
        var r = s.Invoke("STATUS", cfg, Env(s));
        if (r.ExpectAnyError() is { } e) return Outcome.Fail(e);
        return Outcome.Pass(r.ErrorCode == 50 ? "err 50" : $"err {r.ErrorCode} (50 preferred)");
    }
}
