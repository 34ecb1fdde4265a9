using System.Text;
using System.Text.Json;
using Cni.Runtime.Cli;
using Cni.Sdk;

namespace Cni.Runtime.Tests;

/// <summary>The chain as libcni runs it, observed through fake plugins that record their stdin and env.</summary>
public sealed class ChainTests : IDisposable
{
    private readonly FakePlugins _fake = new("a", "b", "c", "fail");

    public void Dispose() => _fake.Dispose();

    private static NetworkConfigList List(string version, params string[] plugins) => ConfLoader.ParseList(Encoding.UTF8.GetBytes(
        $$"""{"cniVersion":"{{version}}","name":"net1","plugins":[{{string.Join(",", plugins)}}]}"""));

    private static readonly NetworkConfigList Abc = List("1.1.0",
        """{"type":"a","capabilities":{"portMappings":true,"mac":false},"custom":{"k":1}}""",
        """{"type":"b","capabilities":{"mac":true},"name":"wrong","cniVersion":"0.1.0"}""",
        """{"type":"c"}""");

    private static RuntimeConf Rt(string cid = "ctr1") => new()
    {
        ContainerId = cid,
        NetNs = "/var/run/netns/x",
        IfName = "eth0",
        Args = [new("IgnoreUnknown", "1"), new("K8S_POD_NAME", "p")],
        CapabilityArgs = CapabilityArgs.Build(["8080:80"], [], "02:00:00:00:00:01"),
    };

    [Fact]
    public void AddRunsInOrderPassingEachResultOn()
    {
        var result = _fake.Runtime().Add(Abc, Rt());
        Assert.Equal(["ADD a", "ADD b", "ADD c"], _fake.Calls());
        var stdins = _fake.Stdins();
        Assert.False(stdins[0].Stdin.TryGetProperty("prevResult", out _));
        Assert.Equal("a", stdins[1].Stdin.GetProperty("prevResult").GetProperty("interfaces")[0].GetProperty("name").GetString());
        Assert.Equal("b", stdins[2].Stdin.GetProperty("prevResult").GetProperty("interfaces")[0].GetProperty("name").GetString());
        Assert.Equal("c", result.GetProperty("interfaces")[0].GetProperty("name").GetString());
        // name and cniVersion come from the list, overriding the plugin object's own.
        Assert.All(stdins, s => Assert.Equal("net1", s.Stdin.GetProperty("name").GetString()));
        Assert.All(stdins, s => Assert.Equal("1.1.0", s.Stdin.GetProperty("cniVersion").GetString()));
        Assert.Equal(1, stdins[0].Stdin.GetProperty("custom").GetProperty("k").GetInt32());
        Assert.Contains("args=IgnoreUnknown=1;K8S_POD_NAME=p", _fake.Log()[0]);
        Assert.Contains("path=" + _fake.BinDir, _fake.Log()[0]);
    }

    [Fact]
    public void RuntimeConfigCarriesOnlyDeclaredCapabilities()
    {
        _fake.Runtime().Add(Abc, Rt());
        var stdins = _fake.Stdins();
        var rcA = stdins[0].Stdin.GetProperty("runtimeConfig");
        Assert.Equal(8080, rcA.GetProperty("portMappings")[0].GetProperty("hostPort").GetInt32());
        Assert.Equal("tcp", rcA.GetProperty("portMappings")[0].GetProperty("protocol").GetString());
        Assert.False(rcA.TryGetProperty("mac", out _)); // declared false
        Assert.Equal(["mac"], stdins[1].Stdin.GetProperty("runtimeConfig").EnumerateObject().Select(p => p.Name));
        Assert.False(stdins[2].Stdin.TryGetProperty("runtimeConfig", out _)); // none declared: no key at all
        Assert.True(stdins[0].Stdin.GetProperty("capabilities").GetProperty("portMappings").GetBoolean()); // passed through, as libcni does
    }

    [Fact]
    public void CheckInOrderAndDelInReverseBothWithTheCachedResult()
    {
        var rt = Rt();
        var runtime = _fake.Runtime();
        runtime.Add(Abc, rt);
        _fake.ClearCalls();
        runtime.Check(Abc, rt);
        runtime.Del(Abc, rt);
        Assert.Equal(["CHECK a", "CHECK b", "CHECK c", "DEL c", "DEL b", "DEL a"], _fake.Calls());
        Assert.All(_fake.Stdins(), s =>
            Assert.Equal("c", s.Stdin.GetProperty("prevResult").GetProperty("interfaces")[0].GetProperty("name").GetString()));
        Assert.Null(runtime.Cache.Read("net1", rt.ContainerId, rt.IfName));
        runtime.Del(Abc, rt); // again: no cache, no prevResult, still fine
        Assert.All(_fake.Stdins().Skip(6), s => Assert.False(s.Stdin.TryGetProperty("prevResult", out _)));
    }

    [Fact]
    public void APluginErrorStopsTheChainAndKeepsItsCode()
    {
        var list = List("1.1.0", """{"type":"a"}""", """{"type":"fail"}""", """{"type":"c"}""");
        var e = Assert.Throws<PluginFailedException>(() => _fake.Runtime().Add(list, Rt()));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Equal("boom", e.PluginMessage);
        Assert.Equal("from fail", e.Details);
        Assert.Equal("plugin type=\"fail\" failed (add): boom", e.Message);
        Assert.Equal(["ADD a", "ADD fail"], _fake.Calls());
        Assert.Empty(_fake.Runtime().Cache.List());
    }

    [Fact]
    public void MissingPluginIsCode7NamingThePath()
    {
        var e = Assert.Throws<PluginFailedException>(() => _fake.Runtime().Add(List("1.1.0", """{"type":"nosuch"}"""), Rt()));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains("failed to find plugin \"nosuch\"", e.Message);
    }

    [Fact]
    public void VersionGates()
    {
        var old = List("0.3.1", """{"type":"a"}""");
        var runtime = _fake.Runtime();
        runtime.Add(old, Rt());
        Assert.Equal(CniErrorCode.IncompatibleVersion, Assert.Throws<CniException>(() => runtime.Check(old, Rt())).Code);
        _fake.ClearCalls();
        runtime.Del(old, Rt());
        Assert.False(_fake.Stdins().Single().Stdin.TryGetProperty("prevResult", out _)); // below 0.4.0: no prevResult on DEL

        var noCheck = List("1.1.0", """{"type":"a"}""");
        noCheck = ConfLoader.ParseList(Encoding.UTF8.GetBytes("""{"cniVersion":"1.1.0","name":"net1","disableCheck":true,"plugins":[{"type":"a"}]}"""));
        _fake.ClearCalls();
        runtime.Check(noCheck, Rt());
        Assert.Empty(_fake.Calls());
    }

    [Fact]
    public void BadRuntimeParametersAreRefusedBeforeAnyPluginRuns()
    {
        var runtime = _fake.Runtime();
        Assert.Equal(CniErrorCode.InvalidEnvironment, Assert.Throws<CniException>(() => runtime.Add(Abc, Rt() with { ContainerId = "-bad/id" })).Code);
        Assert.Equal(CniErrorCode.InvalidEnvironment, Assert.Throws<CniException>(() => runtime.Add(Abc, Rt() with { IfName = "a-name-way-too-long" })).Code);
        Assert.Empty(_fake.Calls());
    }

    [Fact]
    public void CachedResultIsConvertedToTheListVersion()
    {
        var runtime = _fake.Runtime();
        var rt = Rt();
        runtime.Cache.Write(new CachedAttachment
        {
            ContainerId = rt.ContainerId, NetworkName = "net1", IfName = "eth0",
            Result = JsonDocument.Parse("""{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.5/24"}]}""").RootElement.Clone(),
        });
        runtime.Del(List("0.4.0", """{"type":"a"}"""), rt);
        var prev = _fake.Stdins().Single().Stdin.GetProperty("prevResult");
        Assert.Equal("0.4.0", prev.GetProperty("cniVersion").GetString());
        Assert.Equal("4", prev.GetProperty("ips")[0].GetProperty("version").GetString());
    }
}
