using System.Text.Json;
using Cni.Runtime.Cli;
using Cni.TestKit;

namespace Cni.Runtime.Tests;

/// <summary>
/// cnictl end to end with real plugins, in throwaway namespaces and temp dirs only: the conf dir, cache dir and
/// every plugin data dir are temporary, and the namespaces are deleted even when an assertion fails.
/// </summary>
[Collection("netns")]
public sealed class RealRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cnirt-real-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string LoopbackDir()
    {
        if (File.Exists(Path.Combine(Repo.OutBin, "loopback"))) return Repo.OutBin;
        Requires.Binary(Path.Combine(Repo.ReferenceBin, "loopback"), "a loopback plugin: ours (./build.sh) or Debian's");
        return Repo.ReferenceBin;
    }

    private (int Code, string Out, string Err) Cnictl(params string[] argv)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Cnictl.Run(argv, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static bool LoUp(TestNetns ns)
        => ns.IpJson("link", "show", "lo")[0].GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "UP");

    [Fact]
    public void AddCheckDelWithLoopback()
    {
        Requires.Root();
        var plugins = LoopbackDir();
        var conf = Path.Combine(_dir, "net.d");
        var cache = Path.Combine(_dir, "cache");
        Directory.CreateDirectory(conf);
        File.WriteAllText(Path.Combine(conf, "10-lo.conflist"), """{"cniVersion":"1.0.0","name":"lo-net","plugins":[{"type":"loopback"}]}""");
        using var ns = TestNetns.Create("ctl");
        ns.Ip("link", "set", "lo", "down");
        string[] common = ["--conf-dir", conf, "--plugin-dir", plugins, "--cache-dir", cache];

        var add = Cnictl(["add", "lo-net", ns.Name, .. common]);
        Assert.True(add.Code == 0, add.Err);
        Assert.True(LoUp(ns));
        var result = JsonDocument.Parse(add.Out).RootElement;
        Assert.Equal("1.0.0", result.GetProperty("cniVersion").GetString());
        Assert.Equal("lo", result.GetProperty("interfaces")[0].GetProperty("name").GetString());
        var cacheFile = Path.Combine(cache, "results", $"lo-net-cnictl-{ns.Name}-eth0");
        var cached = JsonDocument.Parse(File.ReadAllText(cacheFile)).RootElement;
        Assert.Equal("cniCacheV1", cached.GetProperty("kind").GetString());
        Assert.Equal(ns.Path, cached.GetProperty("netns").GetString());

        var check = Cnictl(["check", "lo-net", ns.Name, .. common]);
        Assert.True(check.Code == 0, check.Err);
        Assert.Equal("", check.Out);

        var del = Cnictl(["del", "lo-net", ns.Name, .. common]);
        Assert.True(del.Code == 0, del.Err);
        Assert.False(LoUp(ns));
        Assert.False(File.Exists(cacheFile));
        Assert.Equal(0, Cnictl(["del", "lo-net", ns.Name, .. common]).Code); // DEL again is fine
    }

    [Fact]
    public void PluginErrorsReachTheExitStatus()
    {
        var conf = Path.Combine(_dir, "net.d");
        Directory.CreateDirectory(conf);
        File.WriteAllText(Path.Combine(conf, "10-x.conflist"), """{"cniVersion":"1.0.0","name":"x","plugins":[{"type":"nosuch"}]}""");
        var r = Cnictl("add", "x", "somens", "--conf-dir", conf, "--plugin-dir", _dir, "--cache-dir", _dir);
        Assert.Equal(7, r.Code);
        Assert.Contains("failed to find plugin \"nosuch\"", r.Err);
        Assert.Contains("(code 7)", r.Err);
        Assert.Equal(2, Cnictl("add").Code);
    }

    /// <summary>
    /// The demo itself, on Debian's reference plugins without portmap (whose 1.1.1 CHECK fails on IPv4-only
    /// results); it must pass and leave no namespace behind.
    /// </summary>
    [Fact]
    public void DemoPassesAndLeavesNothing()
    {
        Requires.Root();
        foreach (var p in new[] { "bridge", "host-local", "firewall", "tuning" })
        {
            Requires.Binary(Path.Combine(Repo.ReferenceBin, p), "Debian's reference plugins");
            File.CreateSymbolicLink(Path.Combine(_dir, p), Path.Combine(Repo.ReferenceBin, p));
        }
        var r = Cnictl("demo", "--plugin-dir", _dir);
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("demo passed", r.Out);
        Assert.Contains("no veth in host ns", r.Out);
        Assert.DoesNotContain(Sh.Run("ip", "netns", "list").Stdout.Split('\n'), l => l.StartsWith($"cnidemo-", StringComparison.Ordinal)
            && l.Contains($"-{Environment.ProcessId}", StringComparison.Ordinal));
    }
}
