using System.Net;
using System.Text;
using System.Text.Json;
using Cni.Linux.Net;

namespace Cni.Sdk.Tests;

/// <summary>What one in-process invocation left behind.</summary>
public sealed record Outcome(int Exit, string Stdout, string Stderr)
{
    /// <summary>The single error object on stdout; fails the test if stdout is not exactly one.</summary>
    public (uint Code, string Msg, string? Details) Error
    {
        get
        {
            Assert.Equal(1, Exit);
            var e = JsonSingle();
            Assert.Equal(JsonValueKind.String, e.GetProperty("msg").ValueKind);
            string? details = e.TryGetProperty("details", out var d) ? d.GetString() : null;
            return (e.GetProperty("code").GetUInt32(), e.GetProperty("msg").GetString()!, details);
        }
    }

    /// <summary>Parses stdout as exactly one JSON document ending in one newline.</summary>
    public JsonElement JsonSingle()
    {
        Assert.EndsWith("\n", Stdout);
        Assert.DoesNotContain("\n", Stdout.TrimEnd('\n'));
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(Stdout));
        using var doc = JsonDocument.ParseValue(ref reader);
        Assert.True(reader.BytesConsumed >= Encoding.UTF8.GetByteCount(Stdout.TrimEnd()), "trailing content after the JSON document");
        return doc.RootElement.Clone();
    }
}

/// <summary>A plugin that records what the skel handed it and returns a configurable result.</summary>
public sealed class FakePlugin : ICniPlugin
{
    public List<string> Calls { get; } = [];
    public CmdArgs? Last { get; private set; }
    public Result ResultToReturn { get; set; } = Samples.Ipam();
    public Exception? Throw { get; set; }
    public IReadOnlyList<string>? Versions { get; set; }

    public IReadOnlyList<string> SupportedVersions => Versions ?? CniVersions.All;

    public Result Add(CmdArgs args) { Record("ADD", args); return ResultToReturn; }
    public void Del(CmdArgs args) => Record("DEL", args);
    public void Check(CmdArgs args) => Record("CHECK", args);
    public void Gc(CmdArgs args) => Record("GC", args);
    public void Status(CmdArgs args) => Record("STATUS", args);

    private void Record(string verb, CmdArgs args)
    {
        Calls.Add(verb);
        Last = args;
        if (Throw is not null) throw Throw;
    }
}

/// <summary>A plugin with no GC/STATUS of its own: the interface defaults must answer success.</summary>
public sealed class MinimalPlugin : ICniPlugin
{
    public Result Add(CmdArgs args) => Samples.Ipam();
    public void Del(CmdArgs args) { }
    public void Check(CmdArgs args) { }
}

public static class Skel
{
    public const string About = "fake plugin v0 (test)";

    /// <summary>A complete, valid environment for <paramref name="command"/>.</summary>
    public static Dictionary<string, string?> Env(string command) => new()
    {
        ["CNI_COMMAND"] = command,
        ["CNI_CONTAINERID"] = "cid-1",
        ["CNI_NETNS"] = "/var/run/netns/test",
        ["CNI_IFNAME"] = "eth0",
        ["CNI_PATH"] = "/opt/cni/bin:/usr/lib/cni",
    };

    public static string Conf(string version = "1.1.0", string extra = "")
        => $$"""{"cniVersion":"{{version}}","name":"net1","type":"fake"{{(extra.Length > 0 ? "," + extra : "")}}}""";

    public static Outcome Run(ICniPlugin plugin, Dictionary<string, string?> env, string? stdin)
        => Run(plugin, env, stdin is null ? new MemoryStream() : new MemoryStream(Encoding.UTF8.GetBytes(stdin)));

    public static Outcome Run(ICniPlugin plugin, Dictionary<string, string?> env, Stream stdin)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var full = env.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!);
        var d = new Dispatcher(k => env.TryGetValue(k, out var v) ? v : null, full, stdin, stdout, stderr);
        int exit = d.Run(plugin, About);
        return new Outcome(exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}

/// <summary>Result models used across tests.</summary>
public static class Samples
{
    /// <summary>An IPAM-style result: no interfaces, no interface index.</summary>
    public static Result Ipam() => new()
    {
        Ips = [new IpConfig { Address = Cidr.Parse("10.1.0.5/16"), Gateway = IPAddress.Parse("10.1.0.1") }],
        Routes = [new Route { Dst = Cidr.Parse("0.0.0.0/0") }],
    };

    /// <summary>Everything 1.1 can say: two interfaces, both families, route extras, DNS.</summary>
    public static Result Full() => new()
    {
        Interfaces =
        [
            new Interface { Name = "cni0", Mac = "aa:bb:cc:00:00:01", Mtu = 1450 },
            new Interface { Name = "eth0", Mac = "aa:bb:cc:00:00:02", Mtu = 1450, Sandbox = "/var/run/netns/x", SocketPath = "/run/vhu.sock", PciId = "0000:04:00.5" },
        ],
        Ips =
        [
            new IpConfig { Interface = 1, Address = Cidr.Parse("10.1.0.5/16"), Gateway = IPAddress.Parse("10.1.0.1") },
            new IpConfig { Interface = 1, Address = Cidr.Parse("10.2.0.5/16") },
            new IpConfig { Interface = 1, Address = Cidr.Parse("fd00::5/64"), Gateway = IPAddress.Parse("fd00::1") },
        ],
        Routes =
        [
            new Route { Dst = Cidr.Parse("0.0.0.0/0"), Gw = IPAddress.Parse("10.1.0.1"), Mtu = 1400, AdvMss = 1360, Priority = 10, Table = 0, Scope = 0 },
            new Route { Dst = Cidr.Parse("::/0") },
        ],
        Dns = new Dns { Nameservers = ["10.1.0.1"], Domain = "example.org", Search = ["example.org"], Options = ["ndots:2"] },
    };
}
