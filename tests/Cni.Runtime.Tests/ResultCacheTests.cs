using System.Text;
using System.Text.Json;
using Cni.Runtime.Cli;

namespace Cni.Runtime.Tests;

public sealed class ResultCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cnirt-cache-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CachedAttachment Sample(string cid = "ctr1") => new()
    {
        ContainerId = cid,
        NetworkName = "net1",
        IfName = "eth0",
        Config = Encoding.UTF8.GetBytes("""{"name":"net1"}"""),
        NetNs = "/var/run/netns/x",
        CniArgs = [new("IgnoreUnknown", "1")],
        CapabilityArgs = CapabilityArgs.Build(["80:80/udp"], ["10.0.0.9/24"], null),
        Result = JsonDocument.Parse("""{"cniVersion":"1.1.0","ips":[{"address":"10.0.0.9/24"}]}""").RootElement.Clone(),
    };

    [Fact]
    public void WritesLibcnisRecordAtLibcnisPath()
    {
        var cache = new ResultCache(_dir);
        cache.Write(Sample());
        var path = Path.Combine(_dir, "results", "net1-ctr1-eth0");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_dir, "results")));
        var e = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        Assert.Equal("cniCacheV1", e.GetProperty("kind").GetString());
        Assert.Equal("ctr1", e.GetProperty("containerId").GetString());
        Assert.Equal("""{"name":"net1"}""", Encoding.UTF8.GetString(Convert.FromBase64String(e.GetProperty("config").GetString()!)));
        Assert.Equal("eth0", e.GetProperty("ifName").GetString());
        Assert.Equal("net1", e.GetProperty("networkName").GetString());
        Assert.Equal("/var/run/netns/x", e.GetProperty("netns").GetString());
        Assert.Equal("IgnoreUnknown", e.GetProperty("cniArgs")[0][0].GetString());
        Assert.Equal("udp", e.GetProperty("capabilityArgs").GetProperty("portMappings")[0].GetProperty("protocol").GetString());
        Assert.Equal("10.0.0.9/24", e.GetProperty("result").GetProperty("ips")[0].GetProperty("address").GetString());
    }

    [Fact]
    public void EmptyOptionalFieldsAreLeftOut()
    {
        var cache = new ResultCache(_dir);
        cache.Write(new CachedAttachment { ContainerId = "c", NetworkName = "n", IfName = "eth0" });
        var e = JsonDocument.Parse(File.ReadAllText(cache.PathFor("n", "c", "eth0"))).RootElement;
        Assert.Equal(["kind", "containerId", "config", "ifName", "networkName"], e.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void ReadsBackWhatItWroteAndDeletesIdempotently()
    {
        var cache = new ResultCache(_dir);
        Assert.Null(cache.Read("net1", "ctr1", "eth0"));
        cache.Write(Sample());
        var a = cache.Read("net1", "ctr1", "eth0")!;
        Assert.Equal("/var/run/netns/x", a.NetNs);
        Assert.Equal("1", a.CniArgs.Single().Value);
        Assert.Equal("""{"name":"net1"}""", Encoding.UTF8.GetString(a.Config));
        Assert.Equal("10.0.0.9/24", a.CapabilityArgs["ips"][0].GetString());
        cache.Delete("net1", "ctr1", "eth0");
        cache.Delete("net1", "ctr1", "eth0");
        Assert.Null(cache.Read("net1", "ctr1", "eth0"));
    }

    [Fact]
    public void ListSkipsForeignFilesAndFiltersByContainer()
    {
        var cache = new ResultCache(_dir);
        cache.Write(Sample("ctr1"));
        cache.Write(Sample("ctr2"));
        File.WriteAllText(Path.Combine(cache.ResultsDir, "junk"), "not json");
        File.WriteAllText(Path.Combine(cache.ResultsDir, "net1-old-eth0"), """{"cniVersion":"0.4.0","ips":[]}""");
        Assert.Equal(["ctr1", "ctr2"], cache.List().Select(a => a.ContainerId));
        Assert.Equal("ctr2", cache.List("ctr2").Single().ContainerId);
    }

    [Fact]
    public void ABareResultFileIsReadAsALegacyEntry()
    {
        var cache = new ResultCache(_dir);
        Directory.CreateDirectory(cache.ResultsDir);
        File.WriteAllText(cache.PathFor("net1", "old", "eth0"), """{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.2/24"}]}""");
        Assert.Equal("0.4.0", cache.Read("net1", "old", "eth0")!.Result!.Value.GetProperty("cniVersion").GetString());
    }
}
