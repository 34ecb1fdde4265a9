using Cni.Linux.Netlink;
using Cni.Linux.Netlink.Wire;
using static Cni.Linux.Tests.Unit.EncodingTests;

namespace Cni.Linux.Tests.Unit;

/// <summary>
/// The bytes of a macvlan/ipvlan created straight inside another namespace (IFLA_NET_NS_FD next to IFLA_LINK)
/// and of macvlan's broadcast queue length, written by hand from linux/if_link.h (x86-64, little endian).
/// </summary>
public class ParentLinkWireTests
{
    [Fact]
    public void MacvlanCreatedInAnotherNetnsCarriesTheFdAndTheBroadcastQueueLength()
    {
        var spec = new MacvlanLink { Name = "mv0", ParentIndex = 7, Mode = MacvlanMode.Private, BcQueueLen = 2000 };
        var w = RouteNetlink.EncodeCreateLink(spec, netnsFd: 5);
        try
        {
            Assert.Equal(Hex(
                "5c000000 1000 0006 00000000 00000000",  // len 92, RTM_NEWLINK, CREATE|EXCL
                "00 00 0000 00000000 00000000 00000000",  // ifinfomsg (new link)
                "0800 0300 6d763000",                     // IFLA_IFNAME "mv0\0"
                "0800 1c00 05000000",                     // IFLA_NET_NS_FD 5: register it in that namespace
                "0800 0500 07000000",                     // IFLA_LINK 7: the parent, in the sender's namespace
                "2400 1200",                              // IFLA_LINKINFO, 36 bytes
                "  0c00 0100 6d6163766c616e 00",          //   IFLA_INFO_KIND "macvlan\0"
                "  1400 0200",                            //   IFLA_INFO_DATA, 20 bytes
                "    0800 0100 01000000",                 //     IFLA_MACVLAN_MODE private
                "    0800 0700 d0070000"),                //     IFLA_MACVLAN_BC_QUEUE_LEN 2000
                w.Message.ToArray());
        }
        finally { w.Dispose(); }
    }

    [Fact]
    public void MacvlanWithoutBcQueueLenSendsOnlyTheMode()
    {
        // Older kernels reject IFLA_MACVLAN_BC_QUEUE_LEN: the common case must not depend on it.
        var w = RouteNetlink.EncodeCreateLink(new MacvlanLink { Name = "mv0", ParentIndex = 7 });
        try
        {
            Assert.Equal(Hex(
                "4c000000 1000 0006 00000000 00000000",  // len 76
                "00 00 0000 00000000 00000000 00000000",
                "0800 0300 6d763000",                     // IFLA_IFNAME "mv0\0"
                "0800 0500 07000000",                     // IFLA_LINK 7, no IFLA_NET_NS_FD
                "1c00 1200",                              // IFLA_LINKINFO, 28 bytes
                "  0c00 0100 6d6163766c616e 00",
                "  0c00 0200",                            //   IFLA_INFO_DATA, 12 bytes
                "    0800 0100 04000000"),                //     IFLA_MACVLAN_MODE bridge
                w.Message.ToArray());
        }
        finally { w.Dispose(); }
    }

    [Fact]
    public void IpvlanCreatedInAnotherNetnsCarriesTheFd()
    {
        var w = RouteNetlink.EncodeCreateLink(new IpvlanLink { Name = "eth0", ParentIndex = 2, Mode = IpvlanMode.L2 }, netnsFd: 9);
        try
        {
            Assert.Equal(Hex(
                "60000000 1000 0006 00000000 00000000",  // len 96
                "00 00 0000 00000000 00000000 00000000",
                "0900 0300 65746830 00 000000",           // IFLA_IFNAME "eth0\0" (+3 pad)
                "0800 1c00 09000000",                     // IFLA_NET_NS_FD 9
                "0800 0500 02000000",                     // IFLA_LINK 2
                "2400 1200",
                "  0b00 0100 6970766c616e 00 00",         //   IFLA_INFO_KIND "ipvlan\0" (+1 pad)
                "  1400 0200",
                "    0600 0100 0000 0000",                //     IFLA_IPVLAN_MODE l2
                "    0600 0200 0000 0000"),               //     IFLA_IPVLAN_FLAGS bridge
                w.Message.ToArray());
        }
        finally { w.Dispose(); }
    }

    [Fact]
    public void MacvlanDumpDecodesRequestedAndUsedBroadcastQueueLengths()
    {
        // What a 6.18 kernel answers for `ip link add mv0 link p0 type macvlan mode bridge bcqueuelen 2000`
        // while another macvlan on p0 asked for 3000 (the parent's queue follows the largest request).
        var bytes = Hex(
            "5c000000 1000 0000 01000000 00000000",  // len 92, RTM_NEWLINK
            "00 00 0100 09000000 02100000 00000000",  // ARPHRD_ETHER, index 9, flags BROADCAST|MULTICAST
            "0800 0300 6d763000",                     // IFLA_IFNAME "mv0"
            "0800 0500 07000000",                     // IFLA_LINK 7
            "2c00 1200",                              // IFLA_LINKINFO, 44 bytes
            "  0c00 0100 6d6163766c616e 00",          //   "macvlan"
            "  1c00 0200",                            //   IFLA_INFO_DATA, 28 bytes
            "    0800 0100 04000000",                 //     MODE bridge
            "    0800 0700 d0070000",                 //     BC_QUEUE_LEN 2000
            "    0800 0800 b80b0000");                //     BC_QUEUE_LEN_USED 3000
        var reader = new MessageReader(bytes);
        Assert.True(reader.MoveNext());
        var link = RouteNetlink.DecodeLink(reader.Current);
        Assert.NotNull(link);
        Assert.Equal(9, link.Index);
        var info = Assert.IsType<MacvlanLink>(link.Info);
        Assert.Equal(MacvlanMode.Bridge, info.Mode);
        Assert.Equal(7, info.ParentIndex);
        Assert.Equal(2000u, info.BcQueueLen);
        Assert.Equal(3000u, info.BcQueueLenUsed);
    }

    [Fact]
    public void MacvlanFromAKernelWithoutBroadcastQueueAttributesDecodesAsUnknown()
    {
        var w = RouteNetlink.EncodeCreateLink(new MacvlanLink { Name = "mv0", ParentIndex = 7, Mode = MacvlanMode.Vepa });
        try
        {
            var reader = new MessageReader(w.Message.ToArray());
            Assert.True(reader.MoveNext());
            var info = Assert.IsType<MacvlanLink>(RouteNetlink.DecodeLink(reader.Current)!.Info);
            Assert.Equal(MacvlanMode.Vepa, info.Mode);
            Assert.Null(info.BcQueueLen);
            Assert.Null(info.BcQueueLenUsed);
        }
        finally { w.Dispose(); }
    }
}
