using System.Net.NetworkInformation;
using Cni.Linux.Netlink;
using Cni.Linux.Netns;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

public class LinkTests
{
    [Fact]
    public void LoopbackCanBeFoundSetDownAndUp()
    {
        Requires.Root();
        using var s = NsScope.Create("lo");
        var lo = s.Nl.GetLink("lo");
        Assert.Equal(1, lo.Index);
        Assert.True((lo.Flags & LinkFlags.Loopback) != 0);

        s.Nl.SetLinkDown(lo.Index);
        Assert.False(s.IpLink("lo").HasFlag("UP"));
        Assert.False(s.Nl.GetLink(1).IsUp);
        s.Nl.SetLinkUp(lo.Index);
        Assert.True(s.IpLink("lo").HasFlag("UP"));
        Assert.True(s.Nl.GetLink("lo").IsUp);
    }

    [Fact]
    public void MissingLinkIsLinkNotFound()
    {
        Requires.Root();
        using var s = NsScope.Create("nf");
        var e = Assert.Throws<LinkNotFoundException>(() => s.Nl.GetLink("nope0"));
        Assert.Equal(19, e.Errno);
        Assert.Contains("nope0", e.Message);
        Assert.Throws<LinkNotFoundException>(() => s.Nl.GetLink(4242));
        Assert.Throws<LinkNotFoundException>(() => s.Nl.DeleteLink(4242));
        Assert.False(s.Nl.TryGetLink("nope0", out _));
    }

    [Fact]
    public void MtuMacRenameAndDeleteAreVisibleToIp()
    {
        Requires.Root();
        using var s = NsScope.Create("set");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        var mac = PhysicalAddress.Parse("02-00-00-aa-bb-cc");

        s.Nl.SetLinkMtu(br.Index, 1400);
        s.Nl.SetLinkMac(br.Index, mac);
        var ip = s.IpLink("br0");
        Assert.Equal(1400, ip.GetProperty("mtu").GetInt32());
        Assert.Equal("02:00:00:aa:bb:cc", ip.Str("address"));
        var read = s.Nl.GetLink("br0");
        Assert.Equal(1400, read.Mtu);
        Assert.Equal(mac, read.Mac);

        s.Nl.SetLinkName(br.Index, "br-renamed");
        Assert.Equal(br.Index, s.IpLink("br-renamed").GetProperty("ifindex").GetInt32());
        Assert.False(s.Nl.TryGetLink("br0", out _));

        s.Nl.DeleteLink(br.Index);
        Assert.Empty(s.Ns.IpJson("link", "show", "type", "bridge").EnumerateArray());
        Assert.Throws<LinkNotFoundException>(() => s.Nl.GetLink(br.Index));
    }

    [Fact]
    public void VethPeerIsCreatedStraightInAnotherNamespace()
    {
        Requires.Root();
        using var host = TestNetns.Create("vhost");
        using var container = NsScope.Create("vctr");
        using var hostNs = NetNs.Open(host.Path);
        var eth0 = container.Nl.CreateLink(new VethLink
        {
            Name = "eth0", Mtu = 1450, Mac = PhysicalAddress.Parse("02-00-00-00-00-01"),
            PeerName = "veth1234", PeerMtu = 1450, PeerMac = PhysicalAddress.Parse("02-00-00-00-00-02"), PeerNetNs = hostNs,
        });

        Assert.Equal("veth", eth0.Kind);
        Assert.NotNull(eth0.NetNsId);   // the peer lives in another namespace
        var inside = container.IpLink("eth0");
        Assert.Equal("veth", inside.GetProperty("linkinfo").Str("info_kind"));
        Assert.Equal(1450, inside.GetProperty("mtu").GetInt32());
        Assert.Equal("02:00:00:00:00:01", inside.Str("address"));
        var peer = host.IpJson("-d", "link", "show", "dev", "veth1234")[0];
        Assert.Equal(1450, peer.GetProperty("mtu").GetInt32());
        Assert.Equal("02:00:00:00:00:02", peer.Str("address"));
        Assert.Equal(eth0.ParentIndex, peer.GetProperty("ifindex").GetInt32());
        Assert.Equal(OperState.Down, eth0.OperState);   // created down, like `ip link add`
        Assert.False(eth0.IsUp);
        Assert.False(container.Nl.TryGetLink("veth1234", out _));
    }

    [Fact]
    public void MasterAndNoMasterEnslaveAndRelease()
    {
        Requires.Root();
        using var s = NsScope.Create("master");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        var veth = s.Nl.CreateLink(new VethLink { Name = "va", PeerName = "vb" });

        s.Nl.SetLinkMaster(veth.Index, br.Index);
        Assert.Equal("br0", s.IpLink("va").Str("master"));
        Assert.Equal(br.Index, s.Nl.GetLink("va").MasterIndex);

        s.Nl.SetLinkNoMaster(veth.Index);
        Assert.Null(s.IpLink("va").Str("master"));
        Assert.Null(s.Nl.GetLink("va").MasterIndex);
    }

    [Fact]
    public void SetNetNsMovesTheLink()
    {
        Requires.Root();
        using var s = NsScope.Create("mvsrc");
        using var target = TestNetns.Create("mvdst");
        using var targetNs = NetNs.Open(target.Path);
        var veth = s.Nl.CreateLink(new VethLink { Name = "mv0", PeerName = "mv1" });

        s.Nl.SetLinkNetNs(veth.Index, targetNs);
        Assert.False(s.Nl.TryGetLink("mv0", out _));
        Assert.Equal("mv0", target.IpJson("link", "show", "dev", "mv0")[0].Str("ifname"));
    }

    [Fact]
    public void ListLinksReturnsEveryLink()
    {
        Requires.Root();
        using var s = NsScope.Create("list");
        s.Nl.CreateLink(new VethLink { Name = "la", PeerName = "lb" });
        var names = s.Nl.ListLinks().Select(l => l.Name).Order().ToArray();
        var fromIp = s.Ns.IpJson("link", "show").EnumerateArray().Select(l => l.Str("ifname")!).Order().ToArray();
        Assert.Equal(fromIp, names);
        Assert.Equal(["la", "lb", "lo"], names);
    }
}
