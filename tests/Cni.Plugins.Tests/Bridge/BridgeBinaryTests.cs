using System.Text.Json;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Bridge;

/// <summary>
/// The published NativeAOT binary (out/bin/bridge) run as a runtime runs it, inside the throwaway host
/// namespace (`ip netns exec`), with our host-local beside it: ADD, CHECK, DEL, and real traffic.
/// </summary>
public sealed class BridgeBinaryTests
{
    [Fact]
    public void AddCheckDelThroughTheAotBinary()
    {
        var bin = Repo.Plugin("bridge");
        Repo.Plugin("host-local");
        using var lab = new BridgeLab(needOurIpam: true);
        var conf = lab.Conf("\"isDefaultGateway\":true,\"ipMasq\":true", lab.HostLocal("10.60.0.0/24", "fd00:60::/64"));
        var c1 = lab.NewContainer();
        Dictionary<string, string?> Env(string cmd) => new()
        {
            ["CNI_COMMAND"] = cmd, ["CNI_CONTAINERID"] = "bin1", ["CNI_NETNS"] = c1.Path, ["CNI_IFNAME"] = "eth0", ["CNI_PATH"] = Repo.OutBin,
        };

        var add = lab.Host.Exec(bin, [], Env("ADD"), conf);
        Assert.True(add.ExitCode == 0, add.Stdout + add.Stderr);
        var result = JsonDocument.Parse(add.Stdout).RootElement;
        Assert.Equal("1.1.0", result.GetProperty("cniVersion").GetString());
        Assert.Equal(2, result.GetProperty("ips").GetArrayLength());
        Assert.True(BridgeLab.Ping(c1, "10.60.0.1"), "container cannot reach its IPv4 gateway");
        Assert.True(BridgeLab.Ping(c1, "fd00:60::1"), "container cannot reach its IPv6 gateway");

        var withPrev = BridgeLab.WithPrev(conf, result);
        var check = lab.Host.Exec(bin, [], Env("CHECK"), withPrev);
        Assert.Equal((0, ""), (check.ExitCode, check.Stdout));

        var del = lab.Host.Exec(bin, [], Env("DEL"), withPrev);
        Assert.Equal((0, ""), (del.ExitCode, del.Stdout));
        Assert.Empty(lab.HostLinks("veth"));
        Assert.Empty(lab.Leases());
    }
}
