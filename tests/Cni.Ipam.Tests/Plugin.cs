using System.Text;
using System.Text.Json;
using Cni.Sdk;

namespace Cni.Ipam.Tests;

/// <summary>What one plugin run printed: exit code and the JSON on stdout (if any).</summary>
public sealed record RunResult(int ExitCode, string Stdout)
{
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement.Clone();
    public int ErrorCode => ExitCode == 0 ? 0 : Json.GetProperty("code").GetInt32();
    public List<string> Addresses => Json.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("address").GetString()!).ToList();

    public RunResult Ok()
    {
        Assert.True(ExitCode == 0, "plugin failed: " + Stdout);
        return this;
    }
}

/// <summary>Runs a plugin in-process through the real SDK dispatcher, or a binary (the reference) as a runtime would.</summary>
public static class Plugin
{
    public static RunResult InProc(ICniPlugin plugin, string command, string config, string containerId = "c1",
        string ifname = "eth0", string? cniArgs = null)
    {
        var env = Env(command, containerId, ifname, cniArgs);
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(config));
        using var stdout = new MemoryStream();
        int rc = new Dispatcher(k => env.GetValueOrDefault(k), env, stdin, stdout, TextWriter.Null).Run(plugin, "test");
        return new RunResult(rc, Encoding.UTF8.GetString(stdout.ToArray()));
    }

    public static RunResult Exec(string binary, string command, string config, string containerId = "c1",
        string ifname = "eth0", string? cniArgs = null)
    {
        var env = Env(command, containerId, ifname, cniArgs).ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        var r = Cni.TestKit.Sh.Run(binary, [], env, config, clearEnv: true);
        return new RunResult(r.ExitCode, r.Stdout);
    }

    private static Dictionary<string, string> Env(string command, string containerId, string ifname, string? cniArgs)
    {
        var env = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = command,
            ["CNI_PATH"] = "/usr/lib/cni",
            // IPAM plugins never enter the netns; any non-empty value will do (and it must not be our own netns).
            ["CNI_NETNS_OVERRIDE"] = "1",
        };
        if (command is not ("GC" or "STATUS"))
        {
            env["CNI_CONTAINERID"] = containerId;
            env["CNI_IFNAME"] = ifname;
            env["CNI_NETNS"] = "/var/run/netns/ipam-test";
        }
        if (cniArgs != null) env["CNI_ARGS"] = cniArgs;
        return env;
    }
}

/// <summary>A temporary dataDir, removed (with everything in it) on Dispose.</summary>
public sealed class TempDataDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("cni-ipam-test-").FullName;

    public string Net(string name = "net1") => System.IO.Path.Combine(Path, name);

    /// <summary>Lease files of a network: names that are addresses, mapped to their content.</summary>
    public Dictionary<string, string> Leases(string name = "net1")
    {
        var dir = Net(name);
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir).Select(System.IO.Path.GetFileName)
            .Where(n => n!.Contains(':') || n!.Count(c => c == '.') == 3 && !n.StartsWith("last_", StringComparison.Ordinal))
            .ToDictionary(n => n!, n => File.ReadAllText(System.IO.Path.Combine(dir, n!)));
    }

    public string HostLocal(string ranges, string extra = "", string version = "1.0.0", string name = "net1", string top = "")
        => $$$"""{"cniVersion":"{{{version}}}","name":"{{{name}}}","type":"host-local"{{{top}}},"ipam":{"type":"host-local","dataDir":"{{{Path}}}","ranges":{{{ranges}}}{{{extra}}}}}""";

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
