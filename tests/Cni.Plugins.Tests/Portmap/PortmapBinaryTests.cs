using System.Text.Json;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Portmap;

/// <summary>
/// The published NativeAOT binary (out/bin/portmap, from ./build.sh build) run as a runtime runs it: env,
/// stdin, stdout and exit code, inside the throwaway host namespace, with real traffic through the port.
/// </summary>
public sealed class PortmapBinaryTests
{
    private static string Binary()
    {
        string bin = Path.Combine(Repo.OutBin, "portmap");
        Requires.Binary(bin, "the NativeAOT portmap binary: run ./build.sh build");
        return bin;
    }

    [Fact]
    public void TheBinaryPublishesAPortAndDelRemovesIt()
    {
        string bin = Binary();
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        lab.Serve(c1, "c1", 80);
        Dictionary<string, string?> Env(string command) => new()
        {
            ["CNI_COMMAND"] = command, ["CNI_CONTAINERID"] = "ctr1", ["CNI_NETNS"] = c1.Path, ["CNI_IFNAME"] = "eth0",
            ["CNI_PATH"] = lab.IpamPath,
        };
        string conf = lab.PortmapConf(r1, PortmapLab.Map(8080, 80));

        var add = lab.Host.Exec(bin, [], Env("ADD"), conf);
        Assert.True(add.ExitCode == 0, add.Stdout + add.Stderr);
        var output = JsonDocument.Parse(add.Stdout).RootElement;
        Assert.Equal(lab.Version, output.GetProperty("cniVersion").GetString());
        Assert.Equal(r1.GetProperty("ips").GetRawText(), output.GetProperty("ips").GetRawText());
        Assert.Equal("c1 192.168.77.2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080));

        var check = lab.Host.Exec(bin, [], Env("CHECK"), conf);
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        Assert.Equal("", check.Stdout);

        var del = lab.Host.Exec(bin, [], Env("DEL"), lab.PortmapConf(null));
        Assert.True(del.ExitCode == 0, del.Stdout + del.Stderr);
        Assert.Empty(lab.NftRules());

        var version = lab.Host.Exec(bin, [], new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" }, "{\"cniVersion\":\"1.1.0\"}");
        Assert.Contains("\"1.1.0\"", version.Stdout);
    }
}
