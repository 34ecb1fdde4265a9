using System.Text.Json;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Firewall;

/// <summary>The published NativeAOT binary (out/bin/firewall), run as a runtime runs it: env, stdin, stdout, exit code.</summary>
public sealed class FirewallBinaryTests
{
    [Fact]
    public void VersionListsTheVersionsTheReferenceFirewallAccepts()
    {
        var bin = Repo.Plugin("firewall");
        var r = Sh.Run(bin, [], new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" }, "", clearEnv: true);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["0.4.0", "1.0.0", "1.1.0"],
            JsonDocument.Parse(r.Stdout).RootElement.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public void AddCheckDelInAThrowawayHostNamespace()
    {
        var bin = Repo.Plugin("firewall");
        using var host = TestNetns.Create("fwbin");
        using var container = TestNetns.Create("fwbinc");
        string prev = $$"""{"cniVersion":"1.0.0","interfaces":[{"name":"cnibr0"},{"name":"eth0","sandbox":"{{container.Path}}"}],"ips":[{"interface":1,"address":"10.50.0.2/24"},{"interface":1,"address":"fd50::2/64"}]}""";
        string conf = $$"""{"cniVersion":"1.0.0","name":"binnet","type":"firewall","ingressPolicy":"isolated","prevResult":{{prev}}}""";
        Dictionary<string, string?> Env(string cmd) => new()
        {
            ["CNI_COMMAND"] = cmd, ["CNI_CONTAINERID"] = "c1", ["CNI_NETNS"] = container.Path, ["CNI_IFNAME"] = "eth0", ["CNI_PATH"] = Repo.OutBin,
        };

        var add = host.Exec(bin, [], Env("ADD"), conf);
        Assert.True(add.ExitCode == 0, add.Stdout + add.Stderr);
        Assert.Equal(JsonDocument.Parse(prev).RootElement.GetProperty("ips").GetRawText(),
            JsonDocument.Parse(add.Stdout).RootElement.GetProperty("ips").GetRawText());
        string table = host.Exec("nft", "list", "table", "inet", "cni_firewall").EnsureSuccess("nft list table").Stdout;
        Assert.Contains("ip saddr 10.50.0.2", table);
        Assert.Contains("ip6 saddr fd50::2", table);
        Assert.Contains("iifname \"cnibr0\" oifname \"cnibr0\"", table);
        Assert.Equal(0, host.Exec(bin, [], Env("CHECK"), conf).ExitCode);

        var del = host.Exec(bin, [], Env("DEL"), """{"cniVersion":"1.0.0","name":"binnet","type":"firewall"}""");
        Assert.Equal((0, ""), (del.ExitCode, del.Stdout));
        Assert.DoesNotContain("comment", host.Exec("nft", "list", "table", "inet", "cni_firewall").Stdout);
    }
}
