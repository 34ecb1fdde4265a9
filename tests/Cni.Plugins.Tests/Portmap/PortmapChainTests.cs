using System.Text.Json;
using Cni.Plugins.Bridge;
using Cni.Plugins.Firewall;
using Cni.Plugins.Portmap;
using Cni.Plugins.Tuning;
using Cni.Sdk;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Portmap;

/// <summary>
/// podman's default network as a runtime runs it: bridge(+host-local) -> portmap -> firewall -> tuning, each
/// plugin getting the previous one's result as prevResult; ADD, traffic through the published ports, CHECK,
/// DEL in reverse order, DEL again, and nothing left behind.
/// </summary>
public sealed class PortmapChainTests
{
    [Fact]
    public void PodmanChainAddCheckDelDelAgainLeavesNothing()
    {
        using var lab = new PortmapLab();
        var ns = TestNetns.Create("pmc");
        try
        {
            string tuningDir = Path.Combine(lab.DataDir, "tuning");
            string mappings = "\"runtimeConfig\":{\"portMappings\":[" + PortmapLab.Map(8080, 80) + "," + PortmapLab.Map(8053, 80, "udp") + "]}";
            var chain = new (ICniPlugin Plugin, string Conf)[]
            {
                (new BridgePlugin(), lab.BridgeConf(v6: true)),
                (new PortmapPlugin(), $"{{\"cniVersion\":\"{lab.Version}\",\"name\":\"pmnet\",\"type\":\"portmap\",\"capabilities\":{{\"portMappings\":true}},{mappings}}}"),
                (new FirewallPlugin(), $"{{\"cniVersion\":\"{lab.Version}\",\"name\":\"pmnet\",\"type\":\"firewall\"}}"),
                (new TuningPlugin(), $"{{\"cniVersion\":\"{lab.Version}\",\"name\":\"pmnet\",\"type\":\"tuning\",\"mtu\":1400,\"dataDir\":\"{tuningDir}\"}}"),
            };

            JsonElement? result = null;
            foreach (var (plugin, conf) in chain)
            {
                var r = lab.Run(plugin, "ADD", "ctr1", ns.Path, WithPrev(conf, result));
                Assert.True(r.ExitCode == 0, $"ADD {conf}: {r.Stdout} {r.Stderr}");
                result = JsonDocument.Parse(r.Stdout).RootElement.Clone();
            }
            lab.Serve(ns, "c1", 80);
            Assert.Equal("c1 192.168.77.2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080));
            Assert.Equal("c1 192.168.77.2", PortProbe.Udp(lab.Outside, PortmapLab.HostV4, 8053));
            Assert.Equal("c1 fd77::2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV6, 8080));
            Assert.Equal(1400, ns.IpJson("link", "show", "eth0")[0].GetProperty("mtu").GetInt32());

            foreach (var (plugin, conf) in chain)
            {
                var r = lab.Run(plugin, "CHECK", "ctr1", ns.Path, WithPrev(conf, result));
                Assert.True(r.ExitCode == 0, $"CHECK {conf}: {r.Stdout} {r.Stderr}");
            }

            for (int round = 0; round < 2; round++)
                foreach (var (plugin, conf) in chain.Reverse())
                {
                    var r = lab.Run(plugin, "DEL", "ctr1", ns.Path, WithPrev(conf, result));
                    Assert.True(r.ExitCode == 0, $"DEL (round {round + 1}) {conf}: {r.Stdout} {r.Stderr}");
                }

            Assert.Empty(lab.NftRules());
            Assert.DoesNotContain(lab.Host.Exec("nft", "list", "ruleset").Stdout, "id: ctr1");
            Assert.DoesNotContain(ns.IpJson("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "eth0");
            Assert.DoesNotContain(lab.Host.IpJson("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString()!.StartsWith("veth", StringComparison.Ordinal));
            Assert.False(Directory.Exists(tuningDir) && Directory.EnumerateFiles(tuningDir).Any(), "tuning state left behind");
            var leases = Path.Combine(lab.DataDir, "pmnet");
            Assert.DoesNotContain(Directory.Exists(leases) ? Directory.EnumerateFiles(leases).Select(Path.GetFileName) : [],
                f => System.Net.IPAddress.TryParse(f, out _)); // no IP lease left
        }
        finally
        {
            ns.Dispose();
        }
    }

    private static string WithPrev(string conf, JsonElement? prev)
        => prev is { } p ? conf[..^1] + ",\"prevResult\":" + p.GetRawText() + "}" : conf;
}
