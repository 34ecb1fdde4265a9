using System.Text.Json;
using Cni.Plugins.Tuning;
using Cni.TestKit;
using Xunit;

namespace Cni.Plugins.Tests.Tuning;

/// <summary>
/// One tuning test's world: a throwaway container namespace holding `eth0` (one end of a veth whose peer `p0`
/// stays in the same namespace), a temp dataDir and a temp allow-list path (absent unless a test writes it, so
/// the machine's /etc/cni/tuning never matters). Tuning does all its work inside CNI_NETNS, so the plugin runs
/// in-process from here. Everything is removed on Dispose, also when the test failed.
/// </summary>
public sealed class TuningLab : IDisposable
{
    public TestNetns Ns { get; }
    public string DataDir { get; }
    public string AllowlistPath { get; }
    private readonly string _tmp;

    public TuningLab()
    {
        Requires.Root();
        _tmp = Directory.CreateTempSubdirectory("cnit-tuning-").FullName;
        DataDir = Path.Combine(_tmp, "data");
        AllowlistPath = Path.Combine(_tmp, "allowlist.conf");
        Ns = TestNetns.Create("tun");
        Ns.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "p0");
    }

    /// <summary>The prevResult an interface plugin would have printed for eth0, in <paramref name="version"/>'s shape.</summary>
    public string PrevResult(string version, string mac = "0a:00:00:00:00:01")
    {
        if (version is "0.1.0" or "0.2.0")
            return "{\"cniVersion\":\"" + version + "\",\"ip4\":{\"ip\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\"}}";
        string ver = version.StartsWith("0.", StringComparison.Ordinal) ? "\"version\":\"4\"," : "";
        return $$"""{"cniVersion":"{{version}}","interfaces":[{"name":"eth0","mac":"{{mac}}","sandbox":"{{Ns.Path}}"}],"ips":[{{{ver}}"interface":0,"address":"10.1.0.5/24","gateway":"10.1.0.1"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"}]}""";
    }

    /// <summary>A tuning config; <paramref name="extra"/> is raw JSON members. prevResult is added unless <paramref name="prev"/> is false.</summary>
    public string Conf(string extra = "", string version = "1.1.0", bool prev = true, string name = "tunnet")
    {
        string members = $"\"cniVersion\":\"{version}\",\"name\":\"{name}\",\"type\":\"tuning\",\"dataDir\":\"{DataDir}\"";
        if (extra.Length > 0) members += "," + extra;
        if (prev) members += ",\"prevResult\":" + PrevResult(version);
        return "{" + members + "}";
    }

    public ExecResult Run(string command, string conf, string containerId = "c1", string? cniArgs = null, string? netnsPath = null)
    {
        var env = InProcess.Env(command, containerId, netnsPath ?? Ns.Path, "eth0", cniArgs);
        env[SysctlAllowlist.PathEnvironmentVariable] = AllowlistPath;
        return InProcess.Run(new TuningPlugin(), env, conf);
    }

    public JsonElement Ok(string command, string conf, string containerId = "c1", string? cniArgs = null)
    {
        var r = Run(command, conf, containerId, cniArgs);
        Assert.True(r.ExitCode == 0, $"{command} failed: {r.Stdout}{r.Stderr}");
        return r.Stdout.Length == 0 ? default : JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    /// <summary>Asserts a failure with exactly one error object of <paramref name="code"/> (any code when null).</summary>
    public static JsonElement Err(ExecResult r, int? code = null)
    {
        Assert.Equal(1, r.ExitCode);
        var e = JsonDocument.Parse(r.Stdout).RootElement.Clone();
        if (code is int c) Assert.True(c == e.GetProperty("code").GetInt32(), $"expected code {c}, got {r.Stdout}");
        return e;
    }

    /// <summary>`ip -j -d link show eth0` in the container.</summary>
    public JsonElement Link() => Ns.IpJson("-d", "link", "show", "eth0")[0];

    public string Mac => Link().GetProperty("address").GetString()!;
    public int Mtu => Link().GetProperty("mtu").GetInt32();
    public int TxQLen => Link().GetProperty("txqlen").GetInt32();
    public bool HasFlag(string flag) => Link().GetProperty("flags").EnumerateArray().Any(f => f.GetString() == flag);

    /// <summary>`cat /proc/sys/PATH` run inside the namespace.</summary>
    public string Sysctl(string path) => Ns.Exec("cat", "/proc/sys/" + path).EnsureSuccess("cat " + path).Stdout.Trim();

    public string StateFile(string containerId = "c1") => Path.Combine(DataDir, $"{containerId}_eth0.json");

    public void Dispose()
    {
        Ns.Dispose();
        Directory.Delete(_tmp, recursive: true);
    }
}
