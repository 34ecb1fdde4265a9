using System.Text;
using Cni.Sdk;

namespace Cni.Runtime.Tests;

public sealed class ConfLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cnirt-conf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string json) => File.WriteAllText(Path.Combine(_dir, name), json);

    [Fact]
    public void ConflistIsPreferredAndFilesAreReadInNameOrder()
    {
        Write("10-net.conf", """{"cniVersion":"0.4.0","name":"net","type":"from-conf"}""");
        Write("20-net.conflist", """{"cniVersion":"1.0.0","name":"net","plugins":[{"type":"second"}]}""");
        Write("05-net.conflist", """{"cniVersion":"1.0.0","name":"net","plugins":[{"type":"first"}]}""");
        var list = ConfLoader.Load(_dir, "net");
        Assert.Equal("first", Assert.Single(list.Plugins).Type);
    }

    [Fact]
    public void SingleConfBecomesAOnePluginList()
    {
        Write("10-other.conflist", """{"cniVersion":"1.0.0","name":"other","plugins":[{"type":"x"}]}""");
        Write("20-net.conf", """{"cniVersion":"0.4.0","name":"net","type":"bridge","bridge":"br9","capabilities":{"mac":true}}""");
        var list = ConfLoader.Load(_dir, "net");
        Assert.Equal("0.4.0", list.CniVersion);
        var p = Assert.Single(list.Plugins);
        Assert.Equal("bridge", p.Type);
        Assert.Equal("br9", p.Raw.GetProperty("bridge").GetString());
        Assert.True(p.Capabilities["mac"]);
        Assert.Contains("\"plugins\"", Encoding.UTF8.GetString(list.Bytes));
    }

    [Fact]
    public void CniVersionsPicksTheHighestThisRuntimeKnows()
    {
        var list = ConfLoader.ParseList(Encoding.UTF8.GetBytes(
            """{"cniVersion":"0.4.0","cniVersions":["1.0.0","1.1.0","9.0.0"],"name":"n","plugins":[{"type":"a"}]}"""));
        Assert.Equal("1.1.0", list.CniVersion);
        var only = ConfLoader.ParseList(Encoding.UTF8.GetBytes("""{"cniVersion":"0.3.1","cniVersions":["2.0.0"],"name":"n","plugins":[{"type":"a"}]}"""));
        Assert.Equal("0.3.1", only.CniVersion);
    }

    [Fact]
    public void FlagsAcceptBooleansAndStrings()
    {
        var list = ConfLoader.ParseList(Encoding.UTF8.GetBytes(
            """{"cniVersion":"1.1.0","name":"n","disableCheck":"TRUE","disableGC":true,"plugins":[{"type":"a"}]}"""));
        Assert.True(list.DisableCheck);
        Assert.True(list.DisableGC);
        var e = Assert.Throws<CniException>(() => ConfLoader.ParseList(Encoding.UTF8.GetBytes(
            """{"name":"n","disableCheck":"yes","plugins":[{"type":"a"}]}""")));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
    }

    [Fact]
    public void SiblingDirectoryPluginsAreAppendedUnlessOnlyInlined()
    {
        Write("10-net.conflist", """{"cniVersion":"1.1.0","name":"net","plugins":[{"type":"inline"}]}""");
        Directory.CreateDirectory(Path.Combine(_dir, "net"));
        File.WriteAllText(Path.Combine(_dir, "net", "b.conf"), """{"type":"extra-b"}""");
        File.WriteAllText(Path.Combine(_dir, "net", "a.conf"), """{"type":"extra-a"}""");
        Assert.Equal(["inline", "extra-a", "extra-b"], ConfLoader.Load(_dir, "net").Plugins.Select(p => p.Type));

        Write("10-net.conflist", """{"cniVersion":"1.1.0","name":"net","loadOnlyInlinedPlugins":true,"plugins":[{"type":"inline"}]}""");
        Assert.Equal(["inline"], ConfLoader.Load(_dir, "net").Plugins.Select(p => p.Type));
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.1.0","plugins":[{"type":"a"}]}""", CniErrorCode.InvalidNetworkConfig)]
    [InlineData("""{"name":"n","plugins":[]}""", CniErrorCode.InvalidNetworkConfig)]
    [InlineData("""{"name":"n","plugins":[{"bridge":"x"}]}""", CniErrorCode.InvalidNetworkConfig)]
    [InlineData("""{"name":"n","loadOnlyInlinedPlugins":true}""", CniErrorCode.InvalidNetworkConfig)]
    [InlineData("""{"name":"n","cniVersions":["x.y"],"plugins":[{"type":"a"}]}""", CniErrorCode.InvalidNetworkConfig)]
    [InlineData("""{"name":"n",""", CniErrorCode.DecodingFailure)]
    public void BadListsAreRefusedWithACode(string json, CniErrorCode code)
        => Assert.Equal(code, Assert.Throws<CniException>(() => ConfLoader.ParseList(Encoding.UTF8.GetBytes(json))).Code);

    [Fact]
    public void MissingNetworkIsNamed()
    {
        Write("10-a.conflist", """{"cniVersion":"1.1.0","name":"a","plugins":[{"type":"x"}]}""");
        var e = Assert.Throws<CniException>(() => ConfLoader.Load(_dir, "zzz"));
        Assert.Contains("\"zzz\"", e.Message);
        Assert.Contains("no net configurations", Assert.Throws<CniException>(() => ConfLoader.Load(Path.Combine(_dir, "none"), "a")).Message);
    }
}
