using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;
using Cni.Conformance.Subjects;

namespace Cni.Conformance.Checks;

/// <summary>C43-C50: CHECK passes on intact state and fails when what ADD made is broken or absent.</summary>
public static class CheckVerbChecks
{
    public static IEnumerable<CheckDef> All() =>
    [
        new("C43", "CHECK right after ADD is ok with empty stdout", Tags.All, C43),
        new("C44", "CHECK with 0.3.1 or an unsupported version is err 1", Tags.All, C44),
        new("C45", "CHECK fails when the container address was flushed", Tags.If, c => Broken(c, s => s.Container.Ip("addr", "flush", "dev", s.IfName))),
        new("C46", "CHECK fails when the container interface is gone", Tags.If, c => Broken(c, s => s.Container.Ip("link", "del", s.IfName))),
        new("C47", "CHECK fails when prevResult's sandbox is not CNI_NETNS", Tags.If, C47),
        new("C48", "CHECK fails when the plugin's state was undone", Tags.Ch, c => Broken(c, s => ((ChainedSubject)s.Subject).BreakState(s))),
        new("C49", "CHECK without prevResult fails", Tags.If | Tags.Ch, C49),
        new("C50", "IPAM CHECK after DEL or for an unknown container fails", Tags.Ipam, C50),
    ];

    private static Outcome C43(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD: " + add.Describe());
        var chk = s.WithResult("CHECK", c.V, add);
        s.WithResult("DEL", c.V, add);
        return Outcome.From([chk.ExpectOk(), chk.Ok && chk.Stdout.Trim().Length > 0 ? "CHECK printed output: " + chk.Stdout.Trim() : null]);
    }

    private static Outcome C44(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD: " + add.Describe());
        var p = new List<string>();
        var unsupported = SpecVersion.All.Where(v => SpecVersion.AtLeast(v, "0.4.0") && !c.Plugin.Supports(v)).DefaultIfEmpty(SpecVersion.Bogus).First();
        foreach (var v in new[] { "0.3.1", unsupported })
        {
            var chk = s.WithResult("CHECK", c.V, add, o =>
            {
                o["cniVersion"] = v;
                if (o["prevResult"] is JsonObject pr) pr["cniVersion"] = v;
            });
            if (chk.ExpectError(1) is { } e) p.Add($"{v}: {e}");
        }
        s.WithResult("DEL", c.V, add);
        return Outcome.From(p);
    }

    /// <summary>ADD, break the state behind the plugin's back, then CHECK must fail.</summary>
    private static Outcome Broken(CheckContext c, Action<Sandbox> breakIt)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD: " + add.Describe());
        var before = s.WithResult("CHECK", c.V, add);
        if (!before.Ok) return Outcome.Fail("CHECK already fails on intact state: " + before.Describe());
        breakIt(s);
        var chk = s.WithResult("CHECK", c.V, add);
        s.WithResult("DEL", c.V, add);
        return Outcome.From([chk.ExpectAnyError()]);
    }

    private static Outcome C47(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD: " + add.Describe());
        var chk = s.WithResult("CHECK", c.V, add, o =>
        {
            if (o["prevResult"]?["interfaces"] is JsonArray ifs)
                foreach (var i in ifs)
                    if (i is JsonObject io && io.ContainsKey("sandbox")) io["sandbox"] = "/var/run/netns/cnic-elsewhere";
        });
        s.WithResult("DEL", c.V, add);
        return Outcome.From([chk.ExpectAnyError()]);
    }

    private static Outcome C49(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD: " + add.Describe());
        var chk = s.Invoke("CHECK", c.Subject.Config(s, c.V));
        s.WithResult("DEL", c.V, add);
        return Outcome.From([chk.ExpectAnyError()]);
    }

    private static Outcome C50(CheckContext c)
    {
        if (!c.Subject.UsesStore) return Outcome.Skip($"{c.Plugin.Name} keeps no allocation state to check against");
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD: " + add.Describe());
        var del = s.WithResult("DEL", c.V, add);
        if (!del.Ok) return Outcome.Fail("DEL: " + del.Describe());
        var afterDel = s.WithResult("CHECK", c.V, add);
        s.ContainerId += "-never";
        var never = s.WithResult("CHECK", c.V, add);
        return Outcome.From([afterDel.ExpectAnyError() is { } a ? "after DEL: " + a : null,
            never.ExpectAnyError() is { } b ? "never added: " + b : null]);
    }
}
