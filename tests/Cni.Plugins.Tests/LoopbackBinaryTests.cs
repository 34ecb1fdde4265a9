using System.Text.Json;
using Cni.TestKit;

namespace Cni.Plugins.Tests;

/// <summary>The published NativeAOT binary (out/bin/loopback), run as a runtime runs it: env, stdin, stdout, exit code.</summary>
public sealed class LoopbackBinaryTests
{
    [Fact]
    public void VersionListsEverySpecVersion()
    {
        var bin = Repo.Plugin("loopback");
        var r = Sh.Run(bin, [], new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" }, "", clearEnv: true);
        Assert.Equal(0, r.ExitCode);
        var doc = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"],
            doc.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()));
    }

    /// <summary>
    /// A runtime (or a shell) may hand the plugin a regular file as stdout and write after it: our JSON must
    /// advance the shared file offset, or the next write lands on top of it.
    /// </summary>
    [Fact]
    public void StdoutRedirectedToAFileKeepsTheResultBeforeWhatFollows()
    {
        var bin = Repo.Plugin("loopback");
        var file = Path.Combine(Path.GetTempPath(), $"cni-stdout-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var r = Sh.Run("sh", ["-c", "{ \"$0\"; echo TAIL; } > \"$1\"", bin, file],
                new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" }, "", clearEnv: true);
            Assert.Equal(0, r.ExitCode);
            var text = File.ReadAllText(file);
            Assert.EndsWith("TAIL\n", text);
            var json = text[..^"TAIL\n".Length];
            Assert.Equal("1.1.0", JsonDocument.Parse(json).RootElement.GetProperty("cniVersion").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AddThenDelInAThrowawayNamespace()
    {
        var bin = Repo.Plugin("loopback");
        using var ns = TestNetns.Create("lobin");
        ns.Ip("link", "set", "lo", "down");
        const string conf = """{"cniVersion":"1.1.0","name":"lonet","type":"loopback"}""";
        Dictionary<string, string?> Env(string cmd) => new()
        {
            ["CNI_COMMAND"] = cmd, ["CNI_CONTAINERID"] = "c1", ["CNI_NETNS"] = ns.Path, ["CNI_IFNAME"] = "lo", ["CNI_PATH"] = Repo.OutBin,
        };
        var add = Sh.Run(bin, [], Env("ADD"), conf, clearEnv: true);
        Assert.Equal(0, add.ExitCode);
        Assert.Equal("lo", JsonDocument.Parse(add.Stdout).RootElement.GetProperty("interfaces")[0].GetProperty("name").GetString());
        Assert.Contains("UP", ns.IpJson("link", "show", "lo")[0].GetProperty("flags").ToString());
        var del = Sh.Run(bin, [], Env("DEL"), conf, clearEnv: true);
        Assert.Equal((0, ""), (del.ExitCode, del.Stdout));
        Assert.DoesNotContain("\"UP\"", ns.IpJson("link", "show", "lo")[0].GetProperty("flags").ToString());
    }
}
