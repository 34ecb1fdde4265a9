using System.Text.Json;
using Cni.Plugins.Tests.Portmap;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Vxlan;

/// <summary>
/// The overlay across three simulated hosts, with the published NativeAOT binary run inside each host
/// namespace as that host's runtime would run it: reachability over ping and TCP between every pair of
/// containers, the MTU, and the devices read back with `ip -d -j link` and `bridge -j fdb`.
/// </summary>
public sealed class VxlanOverlayTests
{
    private const string Bridge = "vxbr4242", Device = "vxlan4242";

    [Fact]
    public void SixContainersOnThreeHostsReachEachOtherOverPingAndTcp()
    {
        Repo.Plugin("vxlan");
        using var lab = new VxlanLab();
        var containers = new List<(VxlanHost Host, string Id, TestNetns Ns, JsonElement Result, string Conf)>();
        foreach (var host in lab.Hosts)
        {
            var conf = lab.Conf(host);
            for (int k = 1; k <= 2; k++)
            {
                var ns = lab.NewContainer();
                var id = $"h{host.Number}c{k}";
                containers.Add((host, id, ns, lab.Add(host, id, ns, conf, binary: true), conf));
            }
        }

        // Result: the bridge plugin's [bridge, host veth, container veth] plus the vxlan device; ips on index 2.
        var r1 = containers[0].Result;
        var names = r1.GetProperty("interfaces").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToList();
        Assert.Equal([Bridge, names[1], "eth0", Device], names);
        Assert.Equal(2, r1.GetProperty("ips")[0].GetProperty("interface").GetInt32());
        Assert.StartsWith("10.77.1.", VxlanLab.Address(r1));
        Assert.StartsWith("10.77.3.", VxlanLab.Address(containers[5].Result));

        foreach (var host in lab.Hosts)
        {
            // One vxlan device and one bridge per host, whatever the number of containers.
            Assert.Equal([Device], host.Links("vxlan"));
            Assert.Equal([Bridge], host.Links("bridge"));
            var vx = host.Link(Device);
            var data = vx.GetProperty("linkinfo").GetProperty("info_data");
            Assert.Equal(4242, data.GetProperty("id").GetInt32());
            Assert.Equal(4789, data.GetProperty("port").GetInt32());
            Assert.Equal(host.Underlay, data.GetProperty("local").GetString());
            Assert.Equal("up0", data.GetProperty("link").GetString());
            Assert.Equal(Bridge, vx.GetProperty("master").GetString());
            // MTU: underlay 1500 - 50 on the vxlan device, the bridge and both veth ends.
            Assert.Equal(1450, vx.GetProperty("mtu").GetInt32());
            Assert.Equal(1450, host.Link(Bridge).GetProperty("mtu").GetInt32());
            Assert.Contains($"10.77.{host.Number}.1/16", host.Ns.IpJson("addr", "show", "dev", Bridge)[0]
                .GetProperty("addr_info").EnumerateArray().Select(a => a.GetProperty("local").GetString() + "/" + a.GetProperty("prefixlen").GetInt32()));
            // Head-end replication to the two other hosts, never to itself.
            Assert.Equal(lab.Hosts.Where(h => h != host).Select(h => h.Underlay).Order().ToList(), host.FloodPeers(Device));
        }
        foreach (var c in containers)
        {
            Assert.Equal(1450, c.Ns.IpJson("link", "show", "eth0")[0].GetProperty("mtu").GetInt32());
            var hostVeth = c.Result.GetProperty("interfaces")[1].GetProperty("name").GetString()!;
            Assert.Equal(1450, c.Host.Link(hostVeth).GetProperty("mtu").GetInt32());
        }

        // Every container reaches every other one, across hosts too, by ping and by TCP.
        var probes = containers.Select(c => PortProbe.Start(c.Ns, c.Id, 7070)).ToList();
        try
        {
            foreach (var from in containers)
                foreach (var to in containers.Where(t => t.Id != from.Id))
                {
                    var address = VxlanLab.Address(to.Result);
                    Assert.True(from.Ns.Ping(address), $"{from.Id} cannot ping {to.Id} ({address})");
                    Assert.StartsWith(to.Id + " ", PortProbe.Tcp(from.Ns, address, 7070) ?? "(no answer)");
                }
        }
        finally
        {
            foreach (var p in probes) p.Dispose();
        }

        // A 1400-byte ping with don't-fragment crosses hosts; one byte over the overlay MTU cannot leave.
        var far = VxlanLab.Address(containers[4].Result);
        var big = containers[0].Ns.Exec("ping", "-c1", "-W2", "-M", "do", "-s", "1400", far);
        Assert.True(big.ExitCode == 0, "1400-byte DF ping across hosts failed: " + big.Stdout + big.Stderr);
        Assert.NotEqual(0, containers[0].Ns.Exec("ping", "-c1", "-W1", "-M", "do", "-s", "1423", far).ExitCode);

        // CHECK against the recorded result passes on every host.
        foreach (var c in containers)
        {
            var check = lab.Run(c.Host, "CHECK", c.Id, c.Ns, VxlanLab.WithPrev(c.Conf, c.Result), binary: true);
            Assert.True(check.ExitCode == 0, $"CHECK {c.Id}: {check.Stdout}{check.Stderr}");
        }

        // DEL: the first container of a host leaves the devices; the last one takes them away.
        foreach (var c in containers)
        {
            var del = lab.Run(c.Host, "DEL", c.Id, c.Ns, VxlanLab.WithPrev(c.Conf, c.Result), binary: true);
            Assert.True(del.ExitCode == 0, $"DEL {c.Id}: {del.Stdout}{del.Stderr}");
            bool last = !containers.Any(o => o.Host == c.Host && string.CompareOrdinal(o.Id, c.Id) > 0);
            Assert.Equal(last ? [] : [Device], c.Host.Links("vxlan"));
            Assert.Equal(last ? [] : [Bridge], c.Host.Links("bridge"));
        }
        foreach (var host in lab.Hosts)
        {
            Assert.DoesNotContain(host.Links("veth"), n => n != "up0");
            Assert.Empty(host.Leases("vxnet"));
        }
    }

    [Fact]
    public void NetworksWithDifferentVnisCannotReachEachOther()
    {
        using var lab = new VxlanLab(hosts: 2);
        var (h1, h2) = (lab.Hosts[0], lab.Hosts[1]);
        // Same subnet on purpose: only the VNI separates blue from red, so a reply could only come over L2.
        var blue1 = lab.Conf(h1, vni: 4301, name: "blue", extra: "");
        var blue2 = lab.Conf(h2, vni: 4301, name: "blue", extra: "");
        var red2 = lab.Conf(h2, vni: 4302, name: "red", extra: "", slice: 9);
        var a = lab.NewContainer();
        var b = lab.NewContainer();
        var c = lab.NewContainer();
        var ra = lab.Add(h1, "blueA", a, blue1);
        var rb = lab.Add(h2, "blueB", b, blue2);
        var rc = lab.Add(h2, "redC", c, red2);
        Assert.StartsWith("10.77.9.", VxlanLab.Address(rc));

        Assert.Equal(["vxlan4301", "vxlan4302"], h2.Links("vxlan").Order().ToList());
        Assert.True(a.Ping(VxlanLab.Address(rb)), "blue containers on two hosts cannot reach each other");
        Assert.False(a.Ping(VxlanLab.Address(rc), attempts: 2), "a blue container reached a red one");
        Assert.False(c.Ping(VxlanLab.Address(ra), attempts: 2), "a red container reached a blue one");
    }

    [Fact]
    public void AnIpv6UnderlayCarriesTheOverlayWithSeventyBytesOfOverhead()
    {
        using var lab = new VxlanLab(hosts: 2, ipv6Underlay: true);
        var results = new List<(TestNetns Ns, JsonElement Result)>();
        foreach (var host in lab.Hosts)
        {
            var ns = lab.NewContainer();
            results.Add((ns, lab.Add(host, $"v6h{host.Number}", ns, lab.Conf(host, vni: 4600, name: "v6under"))));
            var data = host.Link("vxlan4600").GetProperty("linkinfo").GetProperty("info_data");
            Assert.Equal(host.Underlay, data.GetProperty("local6").GetString());
            Assert.Equal(1430, host.Link("vxlan4600").GetProperty("mtu").GetInt32());
            Assert.Equal(lab.Hosts.Where(h => h != host).Select(h => h.Underlay).ToList(), host.FloodPeers("vxlan4600"));
        }
        Assert.Equal(1430, results[0].Ns.IpJson("link", "show", "eth0")[0].GetProperty("mtu").GetInt32());
        Assert.True(results[0].Ns.Ping(VxlanLab.Address(results[1].Result)), "containers on an IPv6 underlay cannot reach each other");
        var big = results[0].Ns.Exec("ping", "-c1", "-W2", "-M", "do", "-s", "1400", VxlanLab.Address(results[1].Result));
        Assert.True(big.ExitCode == 0, "1400-byte DF ping over the IPv6 underlay failed: " + big.Stdout + big.Stderr);
    }

    [Fact]
    public void MulticastGroupModeFloodsThroughTheGroupAndLearns()
    {
        using var lab = new VxlanLab(hosts: 3);
        var results = new List<(TestNetns Ns, JsonElement Result)>();
        foreach (var host in lab.Hosts)
        {
            var ns = lab.NewContainer();
            results.Add((ns, lab.Add(host, $"mc{host.Number}", ns, lab.Conf(host, vni: 4400, name: "mcast", extra: "\"group\":\"239.1.1.44\""))));
            var data = host.Link("vxlan4400").GetProperty("linkinfo").GetProperty("info_data");
            Assert.Equal("239.1.1.44", data.GetProperty("group").GetString());
            Assert.DoesNotContain(host.FloodPeers("vxlan4400"), p => p != "239.1.1.44"); // no per-peer entries
        }
        Assert.True(results[0].Ns.Ping(VxlanLab.Address(results[1].Result)), "h1 -> h2 over the multicast group");
        Assert.True(results[2].Ns.Ping(VxlanLab.Address(results[0].Result)), "h3 -> h1 over the multicast group");
        // After the exchange the kernel has learnt the remote container MACs with their VTEPs.
        var learned = Sh.Run("bridge", "-n", lab.Hosts[0].Ns.Name, "-j", "fdb", "show", "dev", "vxlan4400").Stdout;
        Assert.Contains("192.168.77.12", learned);
    }
}
