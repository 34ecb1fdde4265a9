using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;
using Cni.Conformance.Subjects;

namespace Cni.Conformance.Checks;

/// <summary>C24-C36: ADD results, their shapes per version, and what failed ADDs leave behind.</summary>
public static class AddChecks
{
    public static IEnumerable<CheckDef> All() =>
    [
        new("C24", "ADD result names CNI_IFNAME in CNI_NETNS and the state is real", Tags.If, C24),
        new("C25", "ADD result has each announced version's shape", Tags.All, C25),
        new("C26", "a second ADD for the same attachment fails, first left intact", Tags.If, C26),
        new("C27", "ADD fails when CNI_IFNAME already exists", Tags.If, C27),
        new("C28", "ADD into a missing netns fails and leaves nothing", Tags.If, C28),
        new("C29", "ADD with a missing IPAM binary fails and leaves nothing", Tags.If, C29),
        new("C30", "ADD failing after IPAM releases the reservation", Tags.If, C30),
        new("C31", "IPAM result has no interfaces and no interface index", Tags.Ipam, C31),
        new("C32", "IPAM honours CNI_ARGS IP with IgnoreUnknown and k8s keys", Tags.Ipam, C32),
        new("C33", "IPAM refuses a requested IP outside every range", Tags.Ipam, C33),
        new("C34", "chained ADD with nothing to do passes prevResult through", Tags.Ch, C34),
        new("C35", "chained ADD without prevResult fails", Tags.Ch, C35),
        new("C36", "tuning applies runtimeConfig.mac", Tags.Ch, C36),
    ];

    private static Outcome C24(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        try
        {
            if (!add.Ok || add.Json is not { } r) return Outcome.Fail("ADD: " + add.Describe());
            var p = ResultShape.Problems(r, c.V, false);
            var found = r.TryGetProperty("interfaces", out var ifs) && ifs.ValueKind == JsonValueKind.Array && ifs.EnumerateArray().Any(i =>
                i.TryGetProperty("name", out var n) && n.GetString() == s.IfName
                && i.TryGetProperty("sandbox", out var sb) && sb.GetString() == s.Container.Path);
            if (!found) p.Add($"no interfaces[] entry with name {s.IfName} and sandbox {s.Container.Path}");
            if (ResultShape.Addresses(r).Count == 0) p.Add("result has no address although IPAM is configured");
            p.AddRange(c.Subject.VerifyPresent(s, r));
            return Outcome.From(p);
        }
        finally { s.WithResult("DEL", c.V, add); }
    }

    private static Outcome C25(CheckContext c)
    {
        var p = new List<string>();
        foreach (var v in c.Plugin.Versions)
        {
            using var s = c.NewSandbox();
            var add = s.Add(v);
            if (!add.Ok) p.Add($"{v}: ADD {add.Describe()}");
            else if (add.Json is not { } r) p.Add($"{v}: stdout is not one JSON document");
            else p.AddRange(ResultShape.Problems(r, v, c.Plugin.Kind == PluginKind.Ipam).Select(x => $"{v}: {x}"));
            s.WithResult("DEL", v, add);
        }
        return Outcome.From(p, $"versions {string.Join(",", c.Plugin.Versions)}");
    }

    private static Outcome C26(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        if (!add.Ok) return Outcome.Fail("first ADD: " + add.Describe());
        var mac = LinkState.Mac(s.Container, s.IfName);
        var addrs = LinkState.Addresses(s.Container, s.IfName);
        var again = s.Add(c.V);
        var p = new List<string?> { again.ExpectAnyError() };
        if (LinkState.Mac(s.Container, s.IfName) != mac) p.Add("the existing interface's MAC changed or it vanished");
        if (!LinkState.Addresses(s.Container, s.IfName).SequenceEqual(addrs)) p.Add("the existing interface's addresses changed");
        s.WithResult("DEL", c.V, add);
        return Outcome.From(p);
    }

    private static Outcome C27(CheckContext c)
    {
        using var s = c.NewSandbox();
        s.Container.Ip("link", "add", s.IfName, "type", "veth", "peer", "name", "cpeer0");
        var before = Snapshot.Take(s);
        var add = s.Add(c.V);
        var p = new List<string?> { add.ExpectAnyError() };
        if (add.Ok) s.WithResult("DEL", c.V, add);
        else p.AddRange(Snapshot.Take(s).LeftoversSince(before));
        return Outcome.From(p);
    }

    private static Outcome C28(CheckContext c)
    {
        using var s = c.NewSandbox();
        var before = Snapshot.Take(s);
        var env = s.Env("ADD");
        env["CNI_NETNS"] = "/var/run/netns/cnic-does-not-exist";
        var add = s.Add(c.V, env: env);
        var p = new List<string?> { add.ExpectAnyError() };
        p.AddRange(Snapshot.Take(s).LeftoversSince(before));
        s.Invoke("DEL", s.Config(c.V), env);
        return Outcome.From(p);
    }

    private static Outcome C29(CheckContext c)
    {
        using var s = c.NewSandbox();
        var before = Snapshot.Take(s);
        void NoIpam(JsonObject o) => o["ipam"] = new JsonObject { ["type"] = "cnic-no-such-ipam" };
        var add = s.Add(c.V, NoIpam);
        var p = new List<string?> { add.ExpectAnyError() };
        p.AddRange(Snapshot.Take(s).LeftoversSince(before));
        // Clean up with a DEL that can release (the real IPAM), as a runtime fixing its config would.
        s.WithResult("DEL", c.V, add);
        return Outcome.From(p);
    }

    private static Outcome C30(CheckContext c)
    {
        using var s = c.NewSandbox();
        var before = Snapshot.Take(s);
        // The route's gateway is off-link, so configuring the interface fails after IPAM reserved an address.
        var routes = new JsonArray(new JsonObject { ["dst"] = "10.200.0.0/16", ["gw"] = "192.0.2.77" });
        var add = s.Add(c.V, o => o["ipam"] = Subject.HostLocal(s, routes: routes));
        var p = new List<string?>();
        if (add.Ok)
        {
            s.WithResult("DEL", c.V, add);
            return Outcome.Skip("could not make the interface step fail (an off-link route gateway was accepted)");
        }
        var left = s.Reservations();
        if (left.Count > 0) p.Add($"reservation(s) left after the failed ADD: {string.Join(", ", left)}");
        p.AddRange(Snapshot.Take(s).LeftoversSince(before).Where(x => !x.StartsWith("IP reservation", StringComparison.Ordinal)));
        s.WithResult("DEL", c.V, add);
        return Outcome.From(p, $"ADD failed as intended (code {add.ErrorCode})");
    }

    private static Outcome C31(CheckContext c)
    {
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        try
        {
            if (!add.Ok || add.Json is not { } r) return Outcome.Fail("ADD: " + add.Describe());
            var p = ResultShape.Problems(r, c.V, true);
            if (ResultShape.Addresses(r).Count == 0) p.Add("result has no address");
            p.AddRange(c.Subject.VerifyPresent(s, r));
            return Outcome.From(p);
        }
        finally { s.WithResult("DEL", c.V, add); }
    }

    private static Outcome C32(CheckContext c)
    {
        using var s = c.NewSandbox();
        var hostLocal = ((IpamSubject)c.Subject).IsHostLocal;
        var ip = hostLocal ? "10.66.0.77" : "10.77.0.77/24";
        var env = s.Env("ADD");
        env["CNI_ARGS"] = $"IgnoreUnknown=1;K8S_POD_NAME=p;K8S_POD_NAMESPACE=n;K8S_POD_INFRA_CONTAINER_ID=c;IP={ip}";
        var add = s.Add(c.V, env: env);
        try
        {
            if (!add.Ok || add.Json is not { } r) return Outcome.Fail("ADD: " + add.Describe());
            var want = ip.Split('/')[0];
            return ResultShape.Addresses(r).Any(a => a.Split('/')[0] == want)
                ? Outcome.Pass() : Outcome.Fail($"result addresses {string.Join(", ", ResultShape.Addresses(r))} do not include {want}");
        }
        finally { s.WithResult("DEL", c.V, add, env: WithVerb(env, "DEL")); }
    }

    private static Outcome C33(CheckContext c)
    {
        if (!((IpamSubject)c.Subject).IsHostLocal) return Outcome.Skip("static has no ranges to be outside of");
        using var s = c.NewSandbox();
        var p = new List<string>();
        var ways = new (string How, Action<JsonObject>? Edit, string? Args)[]
        {
            ("CNI_ARGS IP", null, "IP=10.99.99.99"),
            ("args.cni.ips", o => o["args"] = new JsonObject { ["cni"] = new JsonObject { ["ips"] = new JsonArray("10.99.99.99") } }, null),
            ("runtimeConfig.ips", o =>
            {
                o["capabilities"] = new JsonObject { ["ips"] = true };
                o["runtimeConfig"] = new JsonObject { ["ips"] = new JsonArray("10.99.99.99/24") };
            }, null),
        };
        foreach (var (how, edit, args) in ways)
        {
            var env = s.Env("ADD");
            if (args != null) env["CNI_ARGS"] = args;
            var add = s.Add(c.V, edit, env);
            if (add.ExpectAnyError() is { } e) p.Add($"{how}: {e}");
            if (s.Reservations() is { Count: > 0 } left) p.Add($"{how}: reservation(s) left: {string.Join(", ", left)}");
            s.WithResult("DEL", c.V, add);
        }
        return Outcome.From(p);
    }

    private static Outcome C34(CheckContext c)
    {
        using var s = c.NewSandbox();
        var prev = c.Subject.PrevResult(s, c.V)!;
        var cfg = c.Subject.PlainConfig(s, c.V);
        cfg["prevResult"] = prev.DeepClone();
        var add = s.Invoke("ADD", cfg);
        try
        {
            if (!add.Ok || add.Json is not { } r) return Outcome.Fail("ADD: " + add.Describe());
            using var want = JsonDocument.Parse(prev.ToJsonString());
            return ResultShape.SameResult(r, want.RootElement) ? Outcome.Pass()
                : Outcome.Fail($"output differs from prevResult: {r.GetRawText()}");
        }
        finally { s.Invoke("DEL", cfg); }
    }

    private static Outcome C35(CheckContext c)
    {
        using var s = c.NewSandbox();
        var cfg = c.Subject.Config(s, c.V);
        var add = s.Invoke("ADD", cfg);
        if (add.Ok) s.Invoke("DEL", cfg);
        return Outcome.From([add.ExpectAnyError()]);
    }

    private static Outcome? C36(CheckContext c)
    {
        if (c.Plugin.Name != "tuning") return null;
        using var s = c.NewSandbox();
        var add = s.Add(c.V);
        try
        {
            if (!add.Ok || add.Json is not { } r) return Outcome.Fail("ADD: " + add.Describe());
            return Outcome.From(c.Subject.VerifyPresent(s, r));
        }
        finally { s.WithResult("DEL", c.V, add); }
    }

    internal static Dictionary<string, string> WithVerb(Dictionary<string, string> env, string verb)
        => new(env) { ["CNI_COMMAND"] = verb };
}
