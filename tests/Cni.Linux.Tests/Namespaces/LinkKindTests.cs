using System.Net;
using Cni.Linux.Netlink;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

public class LinkKindTests
{
    [Fact]
    public void BridgeWithMtu()
    {
        Requires.Root();
        using var s = NsScope.Create("br");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "cni0", Mtu = 1400, VlanFiltering = false });

        var ip = s.IpLink("cni0");
        Assert.Equal("bridge", ip.GetProperty("linkinfo").Str("info_kind"));
        Assert.Equal(0, ip.GetProperty("linkinfo").GetProperty("info_data").GetProperty("vlan_filtering").GetInt32());
        Assert.Equal(1400, ip.GetProperty("mtu").GetInt32());
        Assert.False(Assert.IsType<BridgeLink>(br.Info).VlanFiltering);
    }

    [Fact]
    public void BridgeWithVlanFiltering()
    {
        KernelSupport.BridgeVlanFiltering();
        using var s = NsScope.Create("brvlan");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "cni0", VlanFiltering = true });
        Assert.Equal(1, s.IpLink("cni0").GetProperty("linkinfo").GetProperty("info_data").GetProperty("vlan_filtering").GetInt32());
        Assert.True(Assert.IsType<BridgeLink>(br.Info).VlanFiltering);
    }

    [Fact]
    public void MacvlanOnVethParent()
    {
        KernelSupport.LinkKind("macvlan");
        using var s = NsScope.Create("mv");
        var parent = s.Nl.CreateLink(new VethLink { Name = "p0", PeerName = "p1" });
        var mv = s.Nl.CreateLink(new MacvlanLink { Name = "mv0", ParentIndex = parent.Index, Mode = MacvlanMode.Private, Mtu = 1400 });

        var ip = s.IpLink("mv0");
        Assert.Equal("macvlan", ip.GetProperty("linkinfo").Str("info_kind"));
        Assert.Equal("private", ip.GetProperty("linkinfo").GetProperty("info_data").Str("mode"));
        Assert.Equal("p0", ip.Str("link"));
        Assert.Equal(1400, ip.GetProperty("mtu").GetInt32());
        var info = Assert.IsType<MacvlanLink>(mv.Info);
        Assert.Equal(MacvlanMode.Private, info.Mode);
        Assert.Equal(parent.Index, info.ParentIndex);
    }

    [Fact]
    public void IpvlanOnVethParent()
    {
        KernelSupport.LinkKind("ipvlan");
        using var s = NsScope.Create("ipv");
        var parent = s.Nl.CreateLink(new VethLink { Name = "p0", PeerName = "p1" });
        var link = s.Nl.CreateLink(new IpvlanLink { Name = "ipv0", ParentIndex = parent.Index, Mode = IpvlanMode.L3, Flags = IpvlanFlags.Private });

        var data = s.IpLink("ipv0").GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal("l3", data.Str("mode"));
        var info = Assert.IsType<IpvlanLink>(link.Info);
        Assert.Equal(IpvlanMode.L3, info.Mode);
        Assert.Equal(IpvlanFlags.Private, info.Flags);
    }

    [Fact]
    public void VxlanWithVniLocalRemotePortTtlAndNoLearning()
    {
        KernelSupport.LinkKind("vxlan");
        using var s = NsScope.Create("vx");
        var underlay = s.Nl.CreateLink(new VethLink { Name = "u0", PeerName = "u1" });
        var vx = s.Nl.CreateLink(new VxlanLink
        {
            Name = "vx0", Vni = 4242, Local = IPAddress.Parse("10.0.0.1"), Remote = IPAddress.Parse("10.0.0.2"),
            Port = 4789, DeviceIndex = underlay.Index, Learning = false, Ttl = 64,
        });

        var data = s.IpLink("vx0").GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal(4242, data.GetProperty("id").GetInt32());
        Assert.Equal("10.0.0.1", data.Str("local"));
        Assert.Equal("10.0.0.2", data.Str("remote"));
        Assert.Equal(4789, data.GetProperty("port").GetInt32());
        Assert.Equal("u0", data.Str("link"));
        Assert.Equal(64, data.GetProperty("ttl").GetInt32());
        Assert.False(data.GetProperty("learning").GetBoolean());

        var info = Assert.IsType<VxlanLink>(vx.Info);
        Assert.Equal(4242u, info.Vni);
        Assert.Equal(IPAddress.Parse("10.0.0.2"), info.Remote);
        Assert.Null(info.Group);
        Assert.Equal((ushort)4789, info.Port);
        Assert.Equal(underlay.Index, info.DeviceIndex);
        Assert.False(info.Learning);
    }

    [Fact]
    public void VxlanMulticastGroupDecodesAsGroup()
    {
        KernelSupport.LinkKind("vxlan");
        using var s = NsScope.Create("vxg");
        var underlay = s.Nl.CreateLink(new VethLink { Name = "u0", PeerName = "u1" });
        var vx = s.Nl.CreateLink(new VxlanLink { Name = "vx0", Vni = 7, Group = IPAddress.Parse("239.1.1.1"), DeviceIndex = underlay.Index });
        Assert.Equal("239.1.1.1", s.IpLink("vx0").GetProperty("linkinfo").GetProperty("info_data").Str("group"));
        Assert.Equal(IPAddress.Parse("239.1.1.1"), Assert.IsType<VxlanLink>(vx.Info).Group);
    }
}
