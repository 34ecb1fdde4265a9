using System.Net;
using System.Text.Json;
using Cni.Plugins.Bridge;
using Cni.Plugins.Firewall;
using Cni.Plugins.Portmap;
using Cni.Plugins.Tuning;
using Cni.Sdk;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Firewall;

/// <summary>
/// podman's default network on our plugins alone: bridge (+host-local) -> portmap -> firewall -> tuning, run
/// in-process as a runtime runs a conflist (prevResult threaded through, DEL in reverse order), then DEL again.
/// </summary>
public class PodmanChainTests
{
    [Fact]
    public void AddCheckDelDelAgainLeavesNothing()
    {
        using var lab = new FirewallLab();
        var c1 = TestNetns.Create("fwc");
        try
        {
            string tuningDir = Path.Combine(lab.DataDir, "tuning");
            var env = new Dictionary<string, string> { [SysctlAllowlist.PathEnvironmentVariable] = Path.Combine(lab.DataDir, "no-allowlist") };
            const string mappings = """{"portMappings":[{"hostPort":8081,"containerPort":80,"protocol":"tcp"},{"hostPort":8082,"containerPort":80,"protocol":"udp"}]}""";
            var chain = new (ICniPlugin Plugin, string Conf)[]
            {
                (new BridgePlugin(), lab.BridgeConf("podman", "cni-podman0", ["10.88.0.0/24", "fd88::/64"])),
                (new PortmapPlugin(), $$"""{"cniVersion":"{{lab.Version}}","name":"podman","type":"portmap","capabilities":{"portMappings":true},"runtimeConfig":{{mappings}}}"""),
                (new FirewallPlugin(), $$"""{"cniVersion":"{{lab.Version}}","name":"podman","type":"firewall"}"""),
                (new TuningPlugin(), $$"""{"cniVersion":"{{lab.Version}}","name":"podman","type":"tuning","mtu":1400,"dataDir":"{{tuningDir}}"}"""),
            };

            JsonElement? result = null;
            foreach (var (plugin, conf) in chain)
            {
                var r = lab.RunIn(plugin, "ADD", "c1", c1.Path, WithPrev(conf, result), extraEnv: env);
                Assert.True(r.ExitCode == 0, $"{plugin.GetType().Name} ADD: {r.Stdout}{r.Stderr}");
                result = JsonDocument.Parse(r.Stdout).RootElement.Clone();
            }
            foreach (var (plugin, conf) in chain)
            {
                var r = lab.RunIn(plugin, "CHECK", "c1", c1.Path, WithPrev(conf, result), extraEnv: env);
                Assert.True(r.ExitCode == 0, $"{plugin.GetType().Name} CHECK: {r.Stdout}{r.Stderr}");
            }
            Assert.Equal(1400, c1.IpJson("link", "show", "eth0")[0].GetProperty("mtu").GetInt32());
            Assert.True(FirewallLab.Connects(lab.Outside, c1, 80, IPAddress.Parse("10.99.0.1"), 8081), "published port 8081 -> 80 from outside");
            Assert.True(FirewallLab.Connects(c1, lab.Outside, IPAddress.Parse(FirewallLab.OutsideV4)), "container -> outside");
            Assert.True(lab.OurRules() > 0);

            for (int pass = 0; pass < 2; pass++)
                foreach (var (plugin, conf) in chain.Reverse())
                {
                    var r = lab.RunIn(plugin, "DEL", "c1", c1.Path, WithPrev(conf, result), extraEnv: env);
                    Assert.True(r.ExitCode == 0, $"{plugin.GetType().Name} DEL (pass {pass + 1}): {r.Stdout}{r.Stderr}");
                }

            Assert.Equal(0, lab.OurRules());
            Assert.DoesNotContain(c1.IpJson("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "eth0");
            Assert.Empty(lab.Host.IpJson("-d", "link", "show", "type", "veth").EnumerateArray()
                .Where(l => l.GetProperty("ifname").GetString() != "up0").ToList());
            Assert.False(Directory.Exists(tuningDir) && Directory.EnumerateFiles(tuningDir).Any(), "tuning state left behind");
            var leases = Path.Combine(lab.DataDir, "podman");
            Assert.False(Directory.Exists(leases) && Directory.EnumerateFiles(leases).Any(f => IPAddress.TryParse(Path.GetFileName(f), out _)),
                "host-local lease left behind");
        }
        finally { c1.Dispose(); }
    }

    private static string WithPrev(string conf, JsonElement? prev)
        => prev is { } p ? conf[..^1] + ",\"prevResult\":" + p.GetRawText() + "}" : conf;
}
