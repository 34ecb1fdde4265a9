using System.Text;
using System.Text.Json;
using Cni.Sdk;

namespace Cni.Runtime.Tests;

public sealed class GcStatusTests : IDisposable
{
    private readonly FakePlugins _fake = new("a", "b", "fail");

    public void Dispose() => _fake.Dispose();

    private static NetworkConfigList List(string version, string extra = "", string plugins = """{"type":"a"},{"type":"b"}""")
        => ConfLoader.ParseList(Encoding.UTF8.GetBytes($$"""{"cniVersion":"{{version}}","name":"net1"{{extra}},"plugins":[{{plugins}}]}"""));

    private static RuntimeConf Rt(string cid) => new() { ContainerId = cid, NetNs = "/var/run/netns/" + cid, IfName = "eth0" };

    [Fact]
    public void GcDeletesStaleCachedAttachmentsThenSendsTheValidListUnderBothKeys()
    {
        var runtime = _fake.Runtime();
        var list = List("1.1.0");
        runtime.Add(list, Rt("keep"));
        runtime.Add(list, Rt("stale"));
        runtime.Add(Rename(List("1.1.0", plugins: """{"type":"a"}"""), "other"), Rt("elsewhere"));
        _fake.ClearCalls();

        runtime.Gc(list, [new Attachment("keep", "eth0")]);

        Assert.Equal(["DEL b", "DEL a", "GC a", "GC b"], _fake.Calls());
        Assert.All(_fake.Log().Take(2), l => Assert.Contains("cid=stale", l));
        Assert.Equal("b", _fake.Stdins()[0].Stdin.GetProperty("prevResult").GetProperty("interfaces")[0].GetProperty("name").GetString());
        foreach (var (_, _, stdin) in _fake.Stdins().Skip(2))
        {
            foreach (var key in new[] { "cni.dev/valid-attachments", "cni.dev/attachments" })
            {
                var valid = stdin.GetProperty(key);
                Assert.Equal("keep", valid.EnumerateArray().Single().GetProperty("containerID").GetString());
                Assert.Equal("eth0", valid[0].GetProperty("ifname").GetString());
            }
            Assert.False(stdin.TryGetProperty("prevResult", out _));
            Assert.False(stdin.TryGetProperty("runtimeConfig", out _));
        }
        Assert.Contains("GC a cid= if= netns= args=", _fake.Log()[2]);
        Assert.Equal(["keep", "elsewhere"], runtime.Cache.List().Select(a => a.ContainerId));
    }

    private static NetworkConfigList Rename(NetworkConfigList l, string name) => new()
    {
        Name = name, CniVersion = l.CniVersion, Plugins = l.Plugins, Bytes = l.Bytes,
    };

    [Fact]
    public void GcBelow110OnlyDeletesStaleAttachments()
    {
        var runtime = _fake.Runtime();
        var list = List("1.0.0");
        runtime.Add(list, Rt("stale"));
        _fake.ClearCalls();
        runtime.Gc(list, []);
        Assert.Equal(["DEL b", "DEL a"], _fake.Calls());
        Assert.Empty(runtime.Cache.List());
    }

    [Fact]
    public void DisableGcDoesNothing()
    {
        var runtime = _fake.Runtime();
        var list = List("1.1.0", ""","disableGC":true""");
        runtime.Add(list, Rt("stale"));
        _fake.ClearCalls();
        runtime.Gc(list, []);
        Assert.Empty(_fake.Calls());
    }

    [Fact]
    public void GcRunsEveryPluginAndReportsFailuresTogether()
    {
        var e = Assert.Throws<PluginFailedException>(() => _fake.Runtime().Gc(List("1.1.0", plugins: """{"type":"fail"},{"type":"a"}"""), []));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Equal(["GC fail", "GC a"], _fake.Calls());
    }

    [Fact]
    public void StatusStopsAtTheFirstFailureAndIsSkippedBelow110()
    {
        var runtime = _fake.Runtime();
        runtime.Status(List("1.1.0"));
        Assert.Equal(["STATUS a", "STATUS b"], _fake.Calls());
        Assert.Equal("1.1.0", _fake.Stdins()[0].Stdin.GetProperty("cniVersion").GetString());
        _fake.ClearCalls();
        Assert.Throws<PluginFailedException>(() => runtime.Status(List("1.1.0", plugins: """{"type":"fail"},{"type":"a"}""")));
        Assert.Equal(["STATUS fail"], _fake.Calls());
        _fake.ClearCalls();
        runtime.Status(List("1.0.0"));
        Assert.Empty(_fake.Calls());
    }
}
