using System.Text.Json;
using Cni.Conformance.Runtime;

namespace Cni.Conformance.Checks;

/// <summary>C1-C14: verbs, environment validation and what goes on stdout.</summary>
public static class Dispatch
{
    public static IEnumerable<CheckDef> All() =>
    [
        new("C1", "VERSION answers cniVersion and supportedVersions", Tags.All, c => VersionAnswer(c, """{"cniVersion":"1.1.0"}""", out _)),
        new("C2", "VERSION with empty stdin gives the same answer", Tags.All, C2),
        new("C3", "every announced version is accepted; 9.9.9 is err 1", Tags.All, C3),
        new("C4", "unknown or lower-case CNI_COMMAND is err 4", Tags.All, C4),
        new("C5", "ADD without CNI_CONTAINERID is err 4 naming it", Tags.All, c => MissingEnv(c, ["CNI_CONTAINERID"])),
        new("C6", "ADD without CNI_NETNS / CNI_IFNAME is err 4 naming it", Tags.All, C6),
        new("C7", "ADD with CNI_NETNS set but empty is err 4", Tags.All, c => EnvRun(c, "ADD", e => e["CNI_NETNS"] = "", r => r.ExpectError(4))),
        new("C8", "ADD missing CNI_NETNS and CNI_IFNAME is one err 4 naming both", Tags.All, c => MissingEnv(c, ["CNI_NETNS", "CNI_IFNAME"])),
        new("C9", "CHECK without CNI_NETNS is err 4", Tags.All, c => EnvRun(c, "CHECK", e => e.Remove("CNI_NETNS"), r => r.ExpectError(4))),
        new("C10", "DEL without CNI_NETNS, nothing added, is ok", Tags.All, c => EnvRun(c, "DEL", e => e.Remove("CNI_NETNS"), r => r.ExpectOk())),
        new("C11", "bad CNI_IFNAME (16 chars, /, :, space, .) is err 4", Tags.All, C11),
        new("C12", "CNI_CONTAINERID -bad/id is err 4", Tags.All, c => EnvRun(c, "ADD", e => e["CNI_CONTAINERID"] = "-bad/id", r => r.ExpectError(4))),
        new("C13", "GC and STATUS need no container env", Tags.All, C13) { NeedsLatest = true },
        new("C14", "success prints no error and at most one JSON document", Tags.All, C14),
    ];

    private static Outcome VersionAnswer(CheckContext c, string stdin, out string? canonical)
    {
        canonical = null;
        var r = new PluginRun("VERSION", Proc.Run(c.Plugin.Path, [], new Dictionary<string, string> { ["CNI_COMMAND"] = "VERSION" }, stdin));
        if (!r.Ok) return Outcome.Fail(r.Describe());
        if (r.Json is not { ValueKind: JsonValueKind.Object } j) return Outcome.Fail("stdout is not exactly one JSON object: " + r.Describe());
        var p = new List<string>();
        if (!j.TryGetProperty("cniVersion", out var cv) || cv.ValueKind != JsonValueKind.String) p.Add("no string cniVersion");
        if (!j.TryGetProperty("supportedVersions", out var sv) || sv.ValueKind != JsonValueKind.Array || sv.GetArrayLength() == 0)
            p.Add("no non-empty supportedVersions array");
        else
            foreach (var v in sv.EnumerateArray())
                if (v.ValueKind != JsonValueKind.String || !SpecVersion.IsSemver(v.GetString()!)) p.Add($"{v.GetRawText()} is not a semver string");
        canonical = j.GetRawText();
        var note = cv.ValueKind == JsonValueKind.String && cv.GetString() != "1.1.0" ? $"answers cniVersion {cv.GetString()} (asked 1.1.0)" : "";
        return Outcome.From(p, note);
    }

    private static Outcome C2(CheckContext c)
    {
        var first = VersionAnswer(c, """{"cniVersion":"1.1.0"}""", out var a);
        var second = VersionAnswer(c, "", out var b);
        if (second.Verdict == Verdict.Fail) return second;
        if (first.Verdict == Verdict.Fail) return Outcome.Fail("C1 failed: " + first.Reason);
        using var da = JsonDocument.Parse(a!);
        using var db = JsonDocument.Parse(b!);
        return ResultShape.SameResult(da.RootElement, db.RootElement) ? Outcome.Pass() : Outcome.Fail($"answers differ: {a} vs {b}");
    }

    private static Outcome C3(CheckContext c)
    {
        var p = new List<string>();
        foreach (var v in c.Plugin.Versions)
        {
            using var s = c.NewSandbox();
            var add = s.Add(v);
            if (add.ErrorCode == 1) p.Add($"{v}: ADD refused with code 1: {add.ErrorMsg}");
            s.WithResult("DEL", v, add);
        }
        using (var s = c.NewSandbox())
        {
            var bad = s.Add(SpecVersion.Bogus);
            if (bad.ExpectError(1) is { } e) p.Add($"{SpecVersion.Bogus}: {e}");
            s.Invoke("DEL", s.Config(SpecVersion.Bogus));
        }
        return Outcome.From(p, $"versions {string.Join(",", c.Plugin.Versions)}");
    }

    private static Outcome C4(CheckContext c)
    {
        var p = new List<string>();
        foreach (var cmd in new[] { "FOO", "add" })
        {
            using var s = c.NewSandbox();
            var env = s.Env("ADD");
            env["CNI_COMMAND"] = cmd;
            if (s.Invoke(cmd, s.Config(c.V), env).ExpectError(4) is { } e) p.Add($"{cmd}: {e}");
        }
        return Outcome.From(p);
    }

    private static Outcome C6(CheckContext c)
    {
        var a = MissingEnv(c, ["CNI_NETNS"]);
        var b = MissingEnv(c, ["CNI_IFNAME"]);
        return Outcome.From([a.Verdict == Verdict.Fail ? "without CNI_NETNS: " + a.Reason : null,
            b.Verdict == Verdict.Fail ? "without CNI_IFNAME: " + b.Reason : null]);
    }

    /// <summary>ADD with the named variables unset: one err 4 whose msg names every one of them.</summary>
    private static Outcome MissingEnv(CheckContext c, string[] names)
    {
        using var s = c.NewSandbox();
        var env = s.Env("ADD");
        foreach (var n in names) env.Remove(n);
        var r = s.Invoke("ADD", s.Config(c.V), env);
        if (r.ExpectError(4) is { } e)
        {
            if (r.Ok) s.WithResult("DEL", c.V, r);
            return Outcome.Fail(e);
        }
        var missing = names.Where(n => !r.ErrorMsg.Contains(n, StringComparison.Ordinal)).ToList();
        return missing.Count == 0 ? Outcome.Pass() : Outcome.Fail($"msg \"{r.ErrorMsg}\" does not name {string.Join(", ", missing)}");
    }

    /// <summary>Runs a verb with an edited env and judges the run; cleans up with a DEL if it unexpectedly succeeded.</summary>
    internal static Outcome EnvRun(CheckContext c, string verb, Action<Dictionary<string, string>> edit, Func<PluginRun, string?> judge)
    {
        using var s = c.NewSandbox();
        var env = s.Env(verb);
        edit(env);
        var r = s.Invoke(verb, s.Config(c.V), env);
        if (verb == "ADD" && r.Ok) s.WithResult("DEL", c.V, r);
        return Outcome.From([judge(r)]);
    }

    private static Outcome C11(CheckContext c)
    {
        var p = new List<string>();
        foreach (var name in new[] { "abcdefghijklmnop", "et/h0", "eth:0", "eth 0", "." })
        {
            var o = EnvRun(c, "ADD", e => e["CNI_IFNAME"] = name, r => r.ExpectError(4));
            if (o.Verdict == Verdict.Fail) p.Add($"\"{name}\": {o.Reason}");
        }
        return Outcome.From(p);
    }

    private static Outcome C13(CheckContext c)
    {
        var p = new List<string>();
        using var s = c.NewSandbox();
        foreach (var verb in new[] { "GC", "STATUS" })
        {
            var env = new Dictionary<string, string> { ["CNI_COMMAND"] = verb, ["CNI_PATH"] = c.Plugin.Dir };
            var r = s.Invoke(verb, s.Subject.Config(s, c.V), env);
            if (r.ErrorCode == 4) p.Add($"{verb}: err 4 ({r.ErrorMsg})");
            else if (!r.Ok && r.ErrorCode == null) p.Add($"{verb}: failed without an error object ({r.Describe()})");
        }
        return Outcome.From(p);
    }

    private static Outcome C14(CheckContext c)
    {
        using var s = c.NewSandbox();
        var p = new List<string>();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD failed: " + add.Describe());
        if (add.Json is not { ValueKind: JsonValueKind.Object } j) p.Add("ADD stdout is not exactly one JSON object");
        else if (j.TryGetProperty("code", out _)) p.Add("ADD printed an error object but exited 0");
        var del = s.WithResult("DEL", c.V, add);
        if (!del.Ok) p.Add("DEL failed: " + del.Describe());
        else if (!string.IsNullOrWhiteSpace(del.Stdout) && del.Json == null) p.Add("DEL stdout is not empty nor one JSON document");
        return Outcome.From(p);
    }
}
