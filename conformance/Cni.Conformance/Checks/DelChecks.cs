using System.Text.Json;
using Cni.Conformance.Runtime;
using Cni.Conformance.Subjects;

namespace Cni.Conformance.Checks;

/// <summary>C37-C42: DEL is best-effort, idempotent, and releases what ADD took.</summary>
public static class DelChecks
{
    public static IEnumerable<CheckDef> All() =>
    [
        new("C37", "DEL after ADD removes everything", Tags.All, C37),
        new("C38", "a repeated DEL succeeds", Tags.All, C38),
        new("C39", "DEL of a never-added attachment succeeds", Tags.All, C39),
        new("C40", "DEL with a vanished netns succeeds and releases IPAM", Tags.All, C40),
        new("C41", "DEL without prevResult succeeds", Tags.All, C41),
        new("C42", "an address freed by DEL can be taken again", Tags.Ipam, C42),
    ];

    private static Outcome C37(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD: " + add.Describe());
        var present = c.Subject.VerifyPresent(s, add.Json);
        if (present.Count > 0) return Outcome.Fail("after ADD: " + string.Join("; ", present));
        var del = s.WithResult("DEL", c.V, add);
        if (!del.Ok) return Outcome.Fail("DEL: " + del.Describe());
        return Outcome.From(c.Subject.VerifyGone(s));
    }

    private static Outcome C38(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD: " + add.Describe());
        var first = s.WithResult("DEL", c.V, add);
        var second = s.WithResult("DEL", c.V, add);
        return Outcome.From([first.Ok ? null : "first DEL: " + first.Describe(), second.Ok ? null : "second DEL: " + second.Describe()]);
    }

    private static Outcome C39(CheckContext c)
    {
        using var s = c.NewSandbox();
        var del = s.Invoke("DEL", c.Subject.Config(s, c.V));
        return Outcome.From([del.ExpectOk()]);
    }

    private static Outcome C40(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD: " + add.Describe());
        var env = s.Env("DEL");
        env["CNI_NETNS"] = "/var/run/netns/cnic-vanished";
        var del = s.WithResult("DEL", c.V, add, env: env);
        var p = new List<string?> { del.ExpectOk() };
        if (c.Subject.UsesStore && s.Reservations() is { Count: > 0 } left) p.Add($"reservation(s) not released: {string.Join(", ", left)}");
        s.WithResult("DEL", c.V, add);
        return Outcome.From(p);
    }

    private static Outcome C41(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("ADD: " + add.Describe());
        var del = s.Invoke("DEL", c.Subject.Config(s, c.V));
        var p = new List<string?> { del.ExpectOk() };
        if (c.Subject.UsesStore && s.Reservations() is { Count: > 0 } left) p.Add($"reservation(s) not released: {string.Join(", ", left)}");
        return Outcome.From(p);
    }

    private static Outcome C42(CheckContext c)
    {
        using var s = c.NewSandbox();
        var a = s.Add(c.V);
        if (!a.Ok || a.Json is not { } ra) return Outcome.Fail("ADD A: " + a.Describe());
        var addr = ResultShape.Addresses(ra).FirstOrDefault();
        if (addr == null) return Outcome.Fail("ADD A returned no address");
        var delA = s.WithResult("DEL", c.V, a);
        if (!delA.Ok) return Outcome.Fail("DEL A: " + delA.Describe());
        var p = new List<string>();
        if (c.Subject.UsesStore && s.Reservations().Count > 0) p.Add($"store still holds {string.Join(", ", s.Reservations())} after DEL A");
        s.ContainerId += "-b";
        var env = s.Env("ADD");
        env["CNI_ARGS"] = "IP=" + (((IpamSubject)c.Subject).IsHostLocal ? addr.Split('/')[0] : addr);
        var b = s.Add(c.V, env: env);
        if (!b.Ok || b.Json is not JsonElement rb) p.Add($"ADD B asking for {addr}: {b.Describe()}");
        else if (!ResultShape.Addresses(rb).Contains(addr)) p.Add($"ADD B got {string.Join(", ", ResultShape.Addresses(rb))}, not {addr}");
        s.WithResult("DEL", c.V, b);
        return Outcome.From(p);
    }
}
