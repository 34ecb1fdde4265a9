using Cni.TestKit;

namespace Cni.Plugins.Tests.Portmap;

/// <summary>
/// Published ports carry real TCP and UDP: from another machine (the outside namespace), from the host to its
/// own address and to 127.0.0.1, from containers to themselves and their siblings (hairpin), per hostIP, and
/// over IPv6. The plugins run in a throwaway host namespace; nothing of this machine is touched.
/// </summary>
public sealed class PortmapTrafficTests
{
    [Fact]
    public void TcpAndUdpReachTheContainerFromAnotherMachine()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        lab.Serve(c1, "c1", 80);
        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8080, 80) + "," + PortmapLab.Map(8053, 80, "udp")));

        // The container sees the outside machine's own address: no masquerade for ordinary inbound traffic.
        Assert.Equal("c1 192.168.77.2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080));
        Assert.Equal("c1 192.168.77.2", PortProbe.Udp(lab.Outside, PortmapLab.HostV4, 8053));
        Assert.Null(PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8053, 500, attempts: 1)); // udp only: tcp/8053 is not published
    }

    [Fact]
    public void TheHostReachesThePortAtItsOwnAddressAndAtLocalhost()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        lab.Serve(c1, "c1", 80);
        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8080, 80) + "," + PortmapLab.Map(8080, 80, "udp")));

        Assert.StartsWith("c1 ", PortProbe.Tcp(lab.Host, PortmapLab.HostV4, 8080));
        Assert.StartsWith("c1 ", PortProbe.Udp(lab.Host, PortmapLab.HostV4, 8080));
        // 127.0.0.1 works thanks to route_localnet on the bridge and the localhost masquerade (source = gateway).
        Assert.Equal("c1 10.77.0.1", PortProbe.Tcp(lab.Host, "127.0.0.1", 8080));
        Assert.Equal("c1 10.77.0.1", PortProbe.Udp(lab.Host, "127.0.0.1", 8080));
        Assert.Equal("1", lab.Host.Exec("sysctl", "-n", "net.ipv4.conf.cnipm0.route_localnet").Stdout.Trim());
    }

    [Fact]
    public void HairpinAContainerReachesItselfAndItsSiblingThroughThePublishedPort()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        var (c2, _) = lab.Container("ctr2");
        lab.Serve(c1, "c1", 80);
        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8080, 80)));

        // Masqueraded to the bridge address, so replies go back through the host's reverse NAT.
        Assert.Equal("c1 10.77.0.1", PortProbe.Tcp(c1, PortmapLab.HostV4, 8080));
        Assert.Equal("c1 10.77.0.1", PortProbe.Tcp(c2, PortmapLab.HostV4, 8080));
    }

    [Fact]
    public void AHostIpMappingBindsOnlyThatAddress()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        lab.Serve(c1, "c1", 80);
        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8080, 80, hostIp: PortmapLab.HostV4Second)));

        Assert.Equal("c1 192.168.77.2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV4Second, 8080));
        Assert.Null(PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080, 500, attempts: 1));
        // An address that is not the host's is never DNATed, even when it is routed through the host (fib daddr
        // type local): without that match a published port would hijack traffic passing by (reference #1209).
        lab.Outside.Ip("route", "add", "10.99.0.9/32", "via", PortmapLab.HostV4);
        Assert.Null(PortProbe.Tcp(lab.Outside, "10.99.0.9", 8080, 500, attempts: 1));
    }

    [Fact]
    public void Ipv6MappingReachesTheContainer()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1", v6: true);
        lab.Serve(c1, "c1", 80);
        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8080, 80) + "," + PortmapLab.Map(8053, 80, "udp")));

        Assert.Equal("c1 fd77::2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV6, 8080));
        Assert.Equal("c1 fd77::2", PortProbe.Udp(lab.Outside, PortmapLab.HostV6, 8053));
        Assert.Equal("c1 192.168.77.2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080)); // and IPv4 still
        Assert.StartsWith("c1 ", PortProbe.Tcp(c1, PortmapLab.HostV6, 8080)); // hairpin over IPv6
    }
}
