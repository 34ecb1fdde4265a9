using System.Net;
using System.Net.Sockets;
using Cni.Linux.Net;
using Cni.Linux.Netlink;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

public class RouteTests
{
    private static (NsScope Scope, Link Bridge) WithAddressedBridge(string tag)
    {
        var s = NsScope.Create(tag);
        try
        {
            var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
            s.Nl.SetLinkUp(br.Index);
            s.Nl.AddAddress(new InterfaceAddress(br.Index, Cidr.Parse("10.1.0.2/24")));
            s.Nl.AddAddress(new InterfaceAddress(br.Index, Cidr.Parse("2001:db8:1::2/64")) { Flags = AddressFlags.NoDad });
            return (s, br);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    [Fact]
    public void RouteWithTableMetricMtuAndAdvmss()
    {
        Requires.Root();
        var (s, br) = WithAddressedBridge("rt");
        using var _ = s;
        s.Nl.AddRoute(new Route(Cidr.Parse("10.20.0.0/16"))
        {
            Gateway = IPAddress.Parse("10.1.0.1"), LinkIndex = br.Index, Table = 1000, Priority = 50, Mtu = 1400, AdvMss = 1360,
        });

        var ip = s.Ns.IpJson("route", "show", "table", "1000")[0];
        Assert.Equal("10.20.0.0/16", ip.Str("dst"));
        Assert.Equal("10.1.0.1", ip.Str("gateway"));
        Assert.Equal("br0", ip.Str("dev"));
        Assert.Equal(50, ip.GetProperty("metric").GetInt32());
        var metrics = ip.GetProperty("metrics").EnumerateArray().ToList();
        Assert.Contains(metrics, m => m.TryGetProperty("mtu", out var v) && v.GetInt32() == 1400);
        Assert.Contains(metrics, m => m.TryGetProperty("advmss", out var v) && v.GetInt32() == 1360);

        var ours = s.Nl.ListRoutes(AddressFamily.InterNetwork, table: 1000).Single();
        Assert.Equal(1000u, ours.Table);
        Assert.Equal(50u, ours.Priority);
        Assert.Equal(1400u, ours.Mtu);
        Assert.Equal(1360u, ours.AdvMss);
        Assert.Equal(RouteProtocol.Boot, ours.Protocol);
        Assert.DoesNotContain(s.Nl.ListRoutes(AddressFamily.InterNetwork), r => r.Destination.ToString() == "10.20.0.0/16");

        s.Nl.DeleteRoute(new Route(Cidr.Parse("10.20.0.0/16")) { Table = 1000 });
        Assert.Empty(s.Ns.IpJson("route", "show", "table", "1000").EnumerateArray());
    }

    [Fact]
    public void OnLinkGatewayOutsideAnyPrefixAndDefaultRoute()
    {
        Requires.Root();
        var (s, br) = WithAddressedBridge("onl");
        using var _ = s;
        // Without onlink the kernel refuses a gateway no route reaches; with it, it trusts the link.
        Assert.Throws<NetlinkException>(() => s.Nl.AddRoute(new Route(Cidr.Parse("0.0.0.0/0")) { Gateway = IPAddress.Parse("192.168.77.1"), LinkIndex = br.Index }));
        s.Nl.AddRoute(new Route(Cidr.Parse("0.0.0.0/0")) { Gateway = IPAddress.Parse("192.168.77.1"), LinkIndex = br.Index, OnLink = true });

        var ip = s.Ns.IpJson("route", "show", "default")[0];
        Assert.Equal("192.168.77.1", ip.Str("gateway"));
        Assert.Contains(ip.GetProperty("flags").EnumerateArray(), f => f.GetString() == "onlink");
        var ours = s.Nl.ListRoutes(AddressFamily.InterNetwork, linkIndex: br.Index).Single(r => r.Destination.PrefixLength == 0);
        Assert.True(ours.OnLink);
        Assert.Equal(IPAddress.Parse("192.168.77.1"), ours.Gateway);
    }

    [Fact]
    public void ReplaceAppendAndIpv6()
    {
        Requires.Root();
        var (s, br) = WithAddressedBridge("rep");
        using var _ = s;
        var dst = Cidr.Parse("10.30.0.0/16");
        s.Nl.ReplaceRoute(new Route(dst) { Gateway = IPAddress.Parse("10.1.0.1"), Priority = 10 });
        s.Nl.ReplaceRoute(new Route(dst) { Gateway = IPAddress.Parse("10.1.0.3"), Priority = 10 });
        var routes = s.Ns.IpJson("route", "show", "10.30.0.0/16").EnumerateArray().ToList();
        Assert.Equal("10.1.0.3", Assert.Single(routes).Str("gateway"));

        s.Nl.AppendRoute(new Route(Cidr.Parse("2001:db8:9::/64")) { Gateway = IPAddress.Parse("2001:db8:1::1"), LinkIndex = br.Index });
        s.Nl.AppendRoute(new Route(Cidr.Parse("2001:db8:9::/64")) { Gateway = IPAddress.Parse("2001:db8:1::3"), LinkIndex = br.Index });
        var v6 = s.Ns.IpJson("-6", "route", "show", "2001:db8:9::/64")[0];
        Assert.Equal(2, v6.GetProperty("nexthops").GetArrayLength());  // IPv6 merges appended routes into ECMP

        s.Nl.AddRoute(new Route(Cidr.Parse("2001:db8:8::/64")) { LinkIndex = br.Index, Priority = 7 });
        var scoped = s.Nl.ListRoutes(AddressFamily.InterNetworkV6, linkIndex: br.Index).Single(r => r.Destination.ToString() == "2001:db8:8::/64");
        Assert.Equal(7u, scoped.Priority);
        Assert.Equal("2001:db8:8::/64", s.Ns.IpJson("-6", "route", "show", "2001:db8:8::/64")[0].Str("dst"));
    }

    [Fact]
    public void BlackholeRouteNeedsNoDevice()
    {
        Requires.Root();
        var (s, _) = WithAddressedBridge("bh");
        using var __ = s;
        s.Nl.AddRoute(new Route(Cidr.Parse("10.66.0.0/16")) { Type = RouteType.Blackhole, Protocol = RouteProtocol.Static });
        var ip = s.Ns.IpJson("route", "show", "10.66.0.0/16")[0];
        Assert.Equal("blackhole", ip.Str("type"));
        Assert.Equal("static", ip.Str("protocol"));
        var ours = s.Nl.ListRoutes(AddressFamily.InterNetwork).Single(r => r.Destination.ToString() == "10.66.0.0/16");
        Assert.Equal(RouteType.Blackhole, ours.Type);
        Assert.Equal(RouteProtocol.Static, ours.Protocol);
        s.Nl.DeleteRoute(new Route(Cidr.Parse("10.66.0.0/16")) { Type = RouteType.Blackhole });
        Assert.Empty(s.Ns.IpJson("route", "show", "10.66.0.0/16").EnumerateArray());
    }

    [Fact]
    public void DeletingAMissingRouteIsEsrch()
    {
        Requires.Root();
        var (s, _) = WithAddressedBridge("esrch");
        using var __ = s;
        var e = Assert.Throws<NetlinkException>(() => s.Nl.DeleteRoute(new Route(Cidr.Parse("10.99.0.0/16"))));
        Assert.Equal("ESRCH", e.ErrnoName);
    }
}
