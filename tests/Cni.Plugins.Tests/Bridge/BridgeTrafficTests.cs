using Cni.TestKit;

namespace Cni.Plugins.Tests.Bridge;

/// <summary>
/// The bridge plugin on the real kernel: the plugin runs inside a throwaway host namespace, containers are
/// throwaway namespaces, and every claim is checked with real traffic or `ip -j` read-back.
/// </summary>
public sealed class BridgeTrafficTests
{
    [Fact]
    public void TwoContainersOnOneBridgePingEachOtherAndTheGateway()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf("\"isGateway\":true", lab.HostLocal("10.31.0.0/24"));
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        var r1 = lab.Add("ctr1", c1, conf);
        var r2 = lab.Add("ctr2", c2, conf);

        // Result: [bridge, host veth, container veth], every IP on index 2 with the computed gateway.
        var ifaces = r1.GetProperty("interfaces");
        Assert.Equal(3, ifaces.GetArrayLength());
        Assert.Equal("cnibr0", ifaces[0].GetProperty("name").GetString());
        Assert.StartsWith("veth", ifaces[1].GetProperty("name").GetString());
        Assert.Equal(12, ifaces[1].GetProperty("name").GetString()!.Length);
        Assert.Equal("eth0", ifaces[2].GetProperty("name").GetString());
        Assert.Equal(c1.Path, ifaces[2].GetProperty("sandbox").GetString());
        var ip = r1.GetProperty("ips")[0];
        Assert.Equal(2, ip.GetProperty("interface").GetInt32());
        Assert.Equal("10.31.0.1", ip.GetProperty("gateway").GetString());

        // Kernel state: gateway on the bridge, the address in the container, the host end enslaved.
        Assert.Contains("10.31.0.1/24", BridgeLab.Addresses(lab.Host, "cnibr0"));
        Assert.Contains(BridgeLab.Address(r1) + "/24", BridgeLab.Addresses(c1, "eth0"));
        var hostVeth = lab.Host.IpJson("link", "show", ifaces[1].GetProperty("name").GetString()!)[0];
        Assert.Equal("cnibr0", hostVeth.GetProperty("master").GetString());
        Assert.Equal(ifaces[2].GetProperty("mac").GetString(), c1.IpJson("link", "show", "eth0")[0].GetProperty("address").GetString());
        Assert.Equal("1", lab.Host.Exec("sysctl", "-n", "net.ipv4.ip_forward").Stdout.Trim());

        Assert.True(BridgeLab.Ping(c1, BridgeLab.Address(r2)), "container 1 cannot reach container 2");
        Assert.True(BridgeLab.Ping(c2, BridgeLab.Address(r1)), "container 2 cannot reach container 1");
        Assert.True(BridgeLab.Ping(c1, "10.31.0.1"), "container 1 cannot reach its gateway");

        var del = lab.Run("DEL", "ctr1", c1, BridgeLab.WithPrev(conf, r1));
        Assert.Equal(0, del.ExitCode);
        Assert.DoesNotContain(c1.IpJson("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "eth0");
        Assert.Single(lab.HostLinks("veth"));
        Assert.Single(lab.Leases());
        Assert.Equal(0, lab.Run("DEL", "ctr1", c1, BridgeLab.WithPrev(conf, r1)).ExitCode); // again: still fine
    }

    [Fact]
    public void DualStackContainersReachEachOtherOverBothFamilies()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf("\"isGateway\":true", lab.HostLocal("10.32.0.0/24", "fd00:32::/64"));
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        var r1 = lab.Add("ctr1", c1, conf);
        var r2 = lab.Add("ctr2", c2, conf);

        Assert.Equal(2, r1.GetProperty("ips").GetArrayLength());
        var bridgeAddrs = BridgeLab.Addresses(lab.Host, "cnibr0");
        Assert.Contains("10.32.0.1/24", bridgeAddrs);
        Assert.Contains("fd00:32::1/64", bridgeAddrs);
        Assert.Contains(BridgeLab.Address(r1, 6) + "/64", BridgeLab.Addresses(c1, "eth0"));
        Assert.Equal("1", lab.Host.Exec("sysctl", "-n", "net.ipv6.conf.all.forwarding").Stdout.Trim());

        Assert.True(BridgeLab.Ping(c1, BridgeLab.Address(r2, 4)), "IPv4 between containers");
        Assert.True(BridgeLab.Ping(c1, BridgeLab.Address(r2, 6)), "IPv6 between containers");
        Assert.True(BridgeLab.Ping(c2, "fd00:32::1"), "IPv6 gateway");
    }

    [Fact]
    public void IPv6OnlyWithDefaultGatewayRoute()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf("\"isDefaultGateway\":true", lab.HostLocal("fd00:33::/64"));
        var c1 = lab.NewContainer();
        var r1 = lab.Add("ctr1", c1, conf);

        var route = r1.GetProperty("routes").EnumerateArray().Single();
        Assert.Equal("::/0", route.GetProperty("dst").GetString());
        Assert.Equal("fd00:33::1", route.GetProperty("gw").GetString());
        var kernel = c1.IpJson("-6", "route", "show", "default");
        Assert.Equal("fd00:33::1", kernel[0].GetProperty("gateway").GetString());
        Assert.True(BridgeLab.Ping(c1, "fd00:33::1"), "IPv6 gateway");
    }

    [Fact]
    public void IsDefaultGatewayAddsTheDefaultRouteViaTheBridge()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf("\"isDefaultGateway\":true", lab.HostLocal("10.34.0.0/24"));
        var c1 = lab.NewContainer();
        var r1 = lab.Add("ctr1", c1, conf);

        var route = r1.GetProperty("routes").EnumerateArray().Single();
        Assert.Equal("0.0.0.0/0", route.GetProperty("dst").GetString());
        var kernel = c1.IpJson("route", "show", "default");
        Assert.Equal("10.34.0.1", kernel[0].GetProperty("gateway").GetString());
        Assert.Equal("eth0", kernel[0].GetProperty("dev").GetString());
        Assert.Equal(0, lab.Run("CHECK", "ctr1", c1, BridgeLab.WithPrev(conf, r1)).ExitCode);
    }

    [Fact]
    public void MasqueradedContainerReachesAnUpstreamThatKnowsOnlyTheHost()
    {
        using var lab = new BridgeLab();
        using var upstream = TestNetns.Create("brup");
        // host <-> upstream link; upstream has no route to the container subnet, so only masqueraded packets
        // (source = the host's 10.99.0.1) can be answered.
        lab.Host.Ip("link", "add", "up0", "type", "veth", "peer", "name", "down0", "netns", upstream.Name);
        lab.Host.Ip("addr", "add", "10.99.0.1/24", "dev", "up0");
        lab.Host.Ip("link", "set", "up0", "up");
        upstream.Ip("addr", "add", "10.99.0.2/24", "dev", "down0");
        upstream.Ip("link", "set", "down0", "up");
        foreach (var cmd in new[] { "add table ip seen", "add chain ip seen in { type filter hook input priority 0 ; }",
                     "add rule ip seen in ip saddr 10.99.0.1 icmp type echo-request counter",
                     "add rule ip seen in ip saddr 10.35.0.0/24 icmp type echo-request counter" })
            upstream.Exec("nft", cmd.Split(' ')).EnsureSuccess("nft " + cmd);

        var conf = lab.Conf("\"isDefaultGateway\":true,\"ipMasq\":true,\"ipMasqBackend\":\"nftables\"", lab.HostLocal("10.35.0.0/24"));
        var c1 = lab.NewContainer();
        var r1 = lab.Add("ctr1", c1, conf);
        var tag = new Cni.Linux.Firewall.FirewallOwner("brnet", "ctr1", "eth0").Tag;
        Assert.Contains(tag, lab.HostRuleset());

        Assert.True(BridgeLab.Ping(c1, "10.99.0.2"), "container cannot reach upstream through the masquerading host");
        // The upstream saw the host's address, never the container's: count echo requests by source there.
        var seen = upstream.Exec("nft", "list", "chain", "ip", "seen", "in").Stdout;
        Assert.Matches(@"ip saddr 10\.99\.0\.1 .*counter packets [1-9]", seen);
        Assert.Matches(@"ip saddr 10\.35\.0\.0/24 .*counter packets 0 ", seen);

        Assert.Equal(0, lab.Run("DEL", "ctr1", c1, BridgeLab.WithPrev(conf, r1)).ExitCode);
        Assert.DoesNotContain(tag, lab.HostRuleset());
    }

    [Fact]
    public void PureL2LeavesTheContainerEndUpWithoutAddresses()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf();
        var c1 = lab.NewContainer();
        var r1 = lab.Add("ctr1", c1, conf);

        Assert.False(r1.TryGetProperty("ips", out var ips) && ips.GetArrayLength() > 0);
        Assert.Equal(3, r1.GetProperty("interfaces").GetArrayLength());
        var eth0 = c1.IpJson("addr", "show", "dev", "eth0")[0];
        Assert.Contains("UP", eth0.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.DoesNotContain(eth0.GetProperty("addr_info").EnumerateArray(), a => a.GetProperty("family").GetString() == "inet");
    }

    [Fact]
    public void MacFromRuntimeConfigWinsOverCniArgs()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf("\"runtimeConfig\":{\"mac\":\"0a:58:0a:24:00:09\"}", lab.HostLocal("10.36.0.0/24"));
        var c1 = lab.NewContainer();
        var r = lab.Run("ADD", "ctr1", c1, conf, cniArgs: "IgnoreUnknown=1;MAC=0a:58:0a:24:00:0a");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("0a:58:0a:24:00:09", c1.IpJson("link", "show", "eth0")[0].GetProperty("address").GetString());
        var c2 = lab.NewContainer();
        Assert.Equal(0, lab.Run("ADD", "ctr2", c2, lab.Conf("", lab.HostLocal("10.36.0.0/24")), cniArgs: "IgnoreUnknown=1;MAC=0a:58:0a:24:00:0a").ExitCode);
        Assert.Equal("0a:58:0a:24:00:0a", c2.IpJson("link", "show", "eth0")[0].GetProperty("address").GetString());
    }

    [Theory]
    [InlineData("0.3.1")]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    public void ResultIsPrintedInTheConfigVersion(string version)
    {
        using var lab = new BridgeLab();
        var c1 = lab.NewContainer();
        var r = lab.Add("ctr1", c1, lab.Conf("", lab.HostLocal("10.37.0.0/24"), version));
        Assert.Equal(version, r.GetProperty("cniVersion").GetString());
        Assert.Equal(version.StartsWith("0.", StringComparison.Ordinal), r.GetProperty("ips")[0].TryGetProperty("version", out _));
    }
}
