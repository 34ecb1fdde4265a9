using System.Text.Json;
using Cni.Plugins.Loopback;
using Cni.TestKit;

namespace Cni.Plugins.Tests;

/// <summary>loopback in a throwaway namespace, through the real skel; state read back with `ip -j`.</summary>
public sealed class LoopbackTests
{
    private static string Conf(string version, string? prevResult = null)
        => $$"""{"cniVersion":"{{version}}","name":"lonet","type":"loopback"{{(prevResult is null ? "" : ",\"prevResult\":" + prevResult)}}}""";

    private static ExecResult Run(string command, TestNetns? ns, string conf, string? netnsPath = null)
        => InProcess.Run(new LoopbackPlugin(), InProcess.Env(command, "c1", netnsPath ?? ns?.Path, "eth0"), conf);

    private static bool LoIsUp(TestNetns ns)
        => ns.IpJson("link", "show", "lo")[0].GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "UP");

    [Theory]
    [InlineData("1.1.0")]
    [InlineData("1.0.0")]
    [InlineData("0.4.0")]
    [InlineData("0.3.1")]
    [InlineData("0.3.0")]
    public void AddBringsLoUpAndReportsItsAddresses(string version)
    {
        using var ns = TestNetns.Create("lo");
        ns.Ip("link", "set", "lo", "down");
        var r = Run("ADD", ns, Conf(version));
        Assert.Equal(0, r.ExitCode);
        Assert.True(LoIsUp(ns));
        var doc = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(version, doc.GetProperty("cniVersion").GetString());
        var iface = doc.GetProperty("interfaces")[0];
        Assert.Equal("lo", iface.GetProperty("name").GetString());
        Assert.Equal(ns.Path, iface.GetProperty("sandbox").GetString());
        var ips = doc.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("address").GetString()).ToList();
        Assert.Equal(["127.0.0.1/8", "::1/128"], ips);
        Assert.Equal(version.StartsWith("0.", StringComparison.Ordinal), doc.GetProperty("ips")[0].TryGetProperty("version", out _));
    }

    [Theory]
    [InlineData("0.2.0")]
    [InlineData("0.1.0")]
    public void OldVersionsGetARealIp4Ip6Result(string version)
    {
        using var ns = TestNetns.Create("lo");
        var r = Run("ADD", ns, Conf(version));
        Assert.Equal(0, r.ExitCode);
        var doc = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(version, doc.GetProperty("cniVersion").GetString());
        Assert.Equal("127.0.0.1/8", doc.GetProperty("ip4").GetProperty("ip").GetString());
        Assert.Equal("::1/128", doc.GetProperty("ip6").GetProperty("ip").GetString());
        Assert.False(doc.TryGetProperty("interfaces", out _));
    }

    [Fact]
    public void ChainedAddPrintsPrevResultUnchanged()
    {
        using var ns = TestNetns.Create("lo");
        const string prev = """{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","mac":"0a:00:00:00:00:01","sandbox":"/x"}],"ips":[{"interface":0,"address":"10.1.0.5/16","gateway":"10.1.0.1"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"}]}""";
        var r = Run("ADD", ns, Conf("1.0.0", prev));
        Assert.Equal(0, r.ExitCode);
        var doc = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("eth0", doc.GetProperty("interfaces")[0].GetProperty("name").GetString());
        Assert.Equal("10.1.0.5/16", doc.GetProperty("ips")[0].GetProperty("address").GetString());
        Assert.Equal("0.0.0.0/0", doc.GetProperty("routes")[0].GetProperty("dst").GetString());
    }

    [Fact]
    public void CheckPassesWhenUpAndFailsWhenDown()
    {
        using var ns = TestNetns.Create("lo");
        Assert.Equal(0, Run("ADD", ns, Conf("1.1.0")).ExitCode);
        var ok = Run("CHECK", ns, Conf("1.1.0"));
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("", ok.Stdout);
        ns.Ip("link", "set", "lo", "down");
        var bad = Run("CHECK", ns, Conf("1.1.0"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("down", bad.Stdout);
    }

    [Fact]
    public void DelTakesLoDownAndIsIdempotent()
    {
        using var ns = TestNetns.Create("lo");
        Assert.Equal(0, Run("ADD", ns, Conf("1.1.0")).ExitCode);
        Assert.Equal(0, Run("DEL", ns, Conf("1.1.0")).ExitCode);
        Assert.False(LoIsUp(ns));
        Assert.Equal(0, Run("DEL", ns, Conf("1.1.0")).ExitCode);
    }

    [Fact]
    public void DelOfAVanishedOrEmptyNetnsSucceeds()
    {
        Requires.Root();
        Assert.Equal(0, Run("DEL", null, Conf("1.1.0"), "/var/run/netns/cnit-never-existed").ExitCode);
        var env = InProcess.Env("DEL", "c1", null, "eth0");
        Assert.Equal(0, InProcess.Run(new LoopbackPlugin(), env, Conf("1.1.0")).ExitCode);
    }

    [Fact]
    public void AddOnAMissingNetnsIsAnEnvError()
    {
        Requires.Root();
        var r = Run("ADD", null, Conf("1.1.0"), "/var/run/netns/cnit-never-existed");
        Assert.Equal(1, r.ExitCode);
        var err = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(4, err.GetProperty("code").GetInt32());
        Assert.Contains("CNI_NETNS", err.GetProperty("msg").GetString());
    }

    [Fact]
    public void AddOnARegularFileIsAnEnvErrorAndChangesNothing()
    {
        Requires.Root();
        var file = Path.GetTempFileName();
        try
        {
            var r = Run("ADD", null, Conf("1.1.0"), file);
            Assert.Equal(1, r.ExitCode);
            var err = JsonDocument.Parse(r.Stdout).RootElement;
            Assert.Equal(4, err.GetProperty("code").GetInt32());
            Assert.Equal(0, new FileInfo(file).Length);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void GcAndStatusSucceedWithNothingToDo()
    {
        var gc = InProcess.Run(new LoopbackPlugin(), InProcess.Env("GC"), """{"cniVersion":"1.1.0","name":"lonet","type":"loopback","cni.dev/valid-attachments":[]}""");
        Assert.Equal((0, ""), (gc.ExitCode, gc.Stdout));
        var st = InProcess.Run(new LoopbackPlugin(), InProcess.Env("STATUS"), Conf("1.1.0"));
        Assert.Equal((0, ""), (st.ExitCode, st.Stdout));
    }
}
