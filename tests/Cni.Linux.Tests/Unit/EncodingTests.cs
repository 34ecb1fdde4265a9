using System.Net;
using Cni.Linux.Interop;
using Cni.Linux.Net;
using Cni.Linux.Netlink;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Tests.Unit;

/// <summary>
/// Golden bytes written by hand from the uapi layouts (x86-64, little endian). Sequence number, pid and the
/// REQUEST/ACK flags are 0 here because the socket fills them in when it sends.
/// </summary>
public class EncodingTests
{
    [Fact]
    public void VethCreateNestsThePeerInsideInfoData()
    {
        var spec = new VethLink { Name = "veth0", Mtu = 1400, PeerName = "eth0", PeerMtu = 1400 };
        var w = RouteNetlink.EncodeCreateLink(spec);
        try
        {
            Assert.Equal(Hex(
                "70000000 1000 0006 00000000 00000000",  // nlmsghdr: len 112, RTM_NEWLINK, CREATE|EXCL
                "00 00 0000 00000000 00000000 00000000",  // ifinfomsg (all zero: new link)
                "0a00 0300 7665746830 000000",            // IFLA_IFNAME "veth0\0" (+2 pad)
                "0800 0400 78050000",                     // IFLA_MTU 1400
                "3c00 1200",                              // IFLA_LINKINFO, 60 bytes
                "  0900 0100 76657468 00 000000",         //   IFLA_INFO_KIND "veth\0" (+3 pad)
                "  2c00 0200",                            //   IFLA_INFO_DATA, 44 bytes
                "    2800 0100",                          //     VETH_INFO_PEER, 40 bytes
                "    00 00 0000 00000000 00000000 00000000", //   peer ifinfomsg
                "    0900 0300 65746830 00 000000",       //     IFLA_IFNAME "eth0\0" (+3 pad)
                "    0800 0400 78050000"),                //     IFLA_MTU 1400
                w.Message.ToArray());
        }
        finally { w.Dispose(); }
    }

    [Fact]
    public void AddressAddCarriesLocalAddressBroadcastAndFullFlags()
    {
        var address = new InterfaceAddress(3, Cidr.Parse("10.1.2.3/24")) { Flags = AddressFlags.NoDad | AddressFlags.NoPrefixRoute };
        var w = RouteNetlink.EncodeAddress(Rtnl.RTM_NEWADDR, NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_EXCL, address);
        try
        {
            Assert.Equal(Hex(
                "38000000 1400 0006 00000000 00000000",  // len 56, RTM_NEWADDR, CREATE|EXCL
                "02 18 02 00 03000000",                   // AF_INET, /24, ifa_flags NODAD (low byte), scope 0, index 3
                "0800 0200 0a010203",                     // IFA_LOCAL 10.1.2.3
                "0800 0100 0a010203",                     // IFA_ADDRESS 10.1.2.3
                "0800 0400 0a0102ff",                     // IFA_BROADCAST 10.1.2.255 (derived)
                "0800 0800 02020000"),                    // IFA_FLAGS NODAD|NOPREFIXROUTE = 0x202
                w.Message.ToArray());
        }
        finally { w.Dispose(); }
    }

    [Fact]
    public void RouteAddUsesRtaTableAboveByteRangeAndNestsMetrics()
    {
        var route = new Route(Cidr.Parse("10.20.0.0/16"))
        {
            Gateway = IPAddress.Parse("10.1.2.1"), LinkIndex = 3, Table = 1000, Priority = 100, OnLink = true,
            Mtu = 1400, AdvMss = 1360,
        };
        var w = RouteNetlink.EncodeRoute(Rtnl.RTM_NEWROUTE, NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_EXCL, route);
        try
        {
            Assert.Equal(Hex(
                "58000000 1800 0006 00000000 00000000",  // len 88, RTM_NEWROUTE, CREATE|EXCL
                "02 10 00 00 00 03 00 01 04000000",       // AF_INET /16, table UNSPEC, boot, universe, unicast, ONLINK
                "0800 0f00 e8030000",                     // RTA_TABLE 1000
                "0800 0100 0a140000",                     // RTA_DST 10.20.0.0
                "0800 0500 0a010201",                     // RTA_GATEWAY 10.1.2.1
                "0800 0400 03000000",                     // RTA_OIF 3
                "0800 0600 64000000",                     // RTA_PRIORITY 100
                "1400 0800",                              // RTA_METRICS, 20 bytes
                "  0800 0200 78050000",                   //   RTAX_MTU 1400
                "  0800 0800 50050000"),                  //   RTAX_ADVMSS 1360
                w.Message.ToArray());
        }
        finally { w.Dispose(); }
    }

    /// <summary>ipvlan cannot be created on this test kernel, so its bytes are pinned here instead.</summary>
    [Fact]
    public void IpvlanCreateSendsParentAndModeAndFlags()
    {
        var w = RouteNetlink.EncodeCreateLink(new IpvlanLink { Name = "ipv0", ParentIndex = 7, Mode = IpvlanMode.L3S, Flags = IpvlanFlags.Vepa });
        try
        {
            Assert.Equal(Hex(
                "58000000 1000 0006 00000000 00000000",  // len 88, RTM_NEWLINK, CREATE|EXCL
                "00 00 0000 00000000 00000000 00000000",  // ifinfomsg
                "0900 0300 69707630 00 000000",           // IFLA_IFNAME "ipv0\0"
                "0800 0500 07000000",                     // IFLA_LINK 7 (the parent)
                "2400 1200",                              // IFLA_LINKINFO, 36 bytes
                "  0b00 0100 6970766c616e 00 00",         //   IFLA_INFO_KIND "ipvlan\0" (+1 pad)
                "  1400 0200",                            //   IFLA_INFO_DATA, 20 bytes
                "    0600 0100 0200 0000",                //     IFLA_IPVLAN_MODE l3s (u16)
                "    0600 0200 0200 0000"),               //     IFLA_IPVLAN_FLAGS VEPA (u16)
                w.Message.ToArray());
        }
        finally { w.Dispose(); }
    }

    [Fact]
    public void VxlanPortIsNetworkOrderAndRemoteUsesGroupAttribute()
    {
        var w = RouteNetlink.EncodeCreateLink(new VxlanLink { Name = "vx0", Vni = 42, Remote = IPAddress.Parse("192.0.2.2"), Port = 4789, Learning = false });
        try
        {
            var m = w.Message.ToArray();
            // After nlmsghdr(16) + ifinfomsg(16) + IFLA_IFNAME "vx0\0"(8) + IFLA_LINKINFO header(4) + KIND "vxlan\0"(12):
            Assert.Equal(Hex(
                "2400 0200",                              // IFLA_INFO_DATA, 36 bytes
                "0800 0100 2a000000",                     //   IFLA_VXLAN_ID 42
                "0800 0200 c0000202",                     //   IFLA_VXLAN_GROUP 192.0.2.2 (unicast remote)
                "0500 0700 00 000000",                    //   IFLA_VXLAN_LEARNING 0
                "0600 0f00 12b5 0000"),                   //   IFLA_VXLAN_PORT 4789, big endian
                m[56..]);
        }
        finally { w.Dispose(); }
    }

    [Fact]
    public void BridgePortFlagsAreANestedProtinfo()
    {
        var w = RouteNetlink.EncodeBridgePort(5, new BridgePortSettings { Hairpin = true, Isolated = true });
        try
        {
            Assert.Equal(Hex(
                "34000000 1300 0000 00000000 00000000",  // len 52, RTM_SETLINK
                "07 00 0000 05000000 00000000 00000000",  // ifinfomsg: AF_BRIDGE, index 5
                "1400 0c80",                              // IFLA_PROTINFO | NLA_F_NESTED, 20 bytes
                "  0500 0400 01 000000",                  //   IFLA_BRPORT_MODE 1 (hairpin)
                "  0500 2100 01 000000"),                 //   IFLA_BRPORT_ISOLATED 1
                w.Message.ToArray());
        }
        finally { w.Dispose(); }
    }

    [Fact]
    public void BridgeVlanRangeIsABeginEndPair()
    {
        var w = RouteNetlink.EncodeBridgeVlan(Rtnl.RTM_SETLINK, new BridgeVlan(5, 10) { RangeEnd = 20, Untagged = true });
        try
        {
            Assert.Equal(Hex(
                "3c000000 1300 0000 00000000 00000000",  // len 60, RTM_SETLINK
                "07 00 0000 05000000 00000000 00000000",  // ifinfomsg: AF_BRIDGE, index 5
                "1c00 1a00",                              // IFLA_AF_SPEC, 28 bytes
                "  0600 0000 0100 0000",                  //   IFLA_BRIDGE_FLAGS MASTER
                "  0800 0200 0c00 0a00",                  //   IFLA_BRIDGE_VLAN_INFO UNTAGGED|RANGE_BEGIN, vid 10
                "  0800 0200 1400 1400"),                 //   IFLA_BRIDGE_VLAN_INFO UNTAGGED|RANGE_END, vid 20
                w.Message.ToArray());
        }
        finally { w.Dispose(); }
    }

    [Fact]
    public void AttributesArePaddedToFourBytesWithZeros()
    {
        Assert.Equal(0, NetlinkAlign.Align(0));
        Assert.Equal(4, NetlinkAlign.Align(1));
        Assert.Equal(8, NetlinkAlign.Align(5));
        Assert.Equal(8, NetlinkAlign.Align(8));
        var w = new NetlinkWriter(0, 0);
        try
        {
            w.AttributeU8(7, 0xAB);            // 5 bytes -> 8
            w.AttributeString(3, "abcd");      // 9 bytes -> 12
            var m = w.Message.ToArray();
            Assert.Equal(16 + 8 + 12, m.Length);
            Assert.Equal(Hex("0500 0700 ab 000000", "0900 0300 61626364 00 000000"), m[16..]);
        }
        finally { w.Dispose(); }
    }

    [Fact]
    public void NestedScopePatchesLengthIncludingInnerPadding()
    {
        var w = new NetlinkWriter(0, 0);
        try
        {
            using (w.Nest(1))
            {
                w.AttributeU8(2, 1);
                using (w.Nest(3)) w.AttributeU16(4, 0x0102);
            }
            Assert.Equal(Hex("1800 0100", "0500 0200 01 000000", "0c00 0300", "0600 0400 0201 0000"), w.Message.ToArray()[16..]);
        }
        finally { w.Dispose(); }
    }

    internal static byte[] Hex(params string[] parts) => Convert.FromHexString(string.Concat(parts).Replace(" ", ""));
}
