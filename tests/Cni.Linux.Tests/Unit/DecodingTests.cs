using System.Text;
using Cni.Linux.Netlink;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Tests.Unit;

public class DecodingTests
{
    /// <summary>
    /// One RTM_NEWADDR message captured from a real kernel (6.18) answering an AF_INET address dump in a
    /// namespace where `ip addr add 192.0.2.10/24 dev d0` had been run (d0 = index 2).
    /// </summary>
    private static readonly byte[] Captured = Convert.FromHexString(
        "4c00000014000200" + "01000000d1200000" +   // nlmsghdr: len 76, RTM_NEWADDR, NLM_F_MULTI, seq 1, pid 0x20d1
        "0218800002000000" +                        // ifaddrmsg: AF_INET, /24, IFA_F_PERMANENT, scope 0, index 2
        "08000100c000020a" +                        // IFA_ADDRESS 192.0.2.10
        "08000200c000020a" +                        // IFA_LOCAL 192.0.2.10
        "0700030064300000" +                        // IFA_LABEL "d0\0" (+1 pad)
        "0800080080000000" +                        // IFA_FLAGS PERMANENT
        "14000600ffffffffffffffffdda00100dda00100"); // IFA_CACHEINFO

    [Fact]
    public void CapturedAddressDumpMessageDecodes()
    {
        var reader = new MessageReader(Captured);
        Assert.True(reader.MoveNext());
        var message = reader.Current;
        Assert.Equal(76u, message.Header.nlmsg_len);
        var address = RouteNetlink.DecodeAddress(message);
        Assert.NotNull(address);
        Assert.Equal(2, address.LinkIndex);
        Assert.Equal("192.0.2.10/24", address.Cidr.ToString());
        Assert.Equal(AddressFlags.Permanent, address.Flags);
        Assert.Equal(NetworkScope.Universe, address.Scope);
        Assert.Equal("d0", address.Label);
        Assert.False(reader.MoveNext());
    }

    [Fact]
    public void ExtendedAckTextIsDecodedFromCappedError()
    {
        byte[] text = [.. Encoding.ASCII.GetBytes("Device already exists"), 0, 0, 0]; // 22 bytes + 2 pad
        var bytes = Convert.FromHexString(
            "40000000" + "0200" + "0003" + "05000000" + "d2040000" + // len 64, NLMSG_ERROR, CAPPED|ACK_TLVS, seq 5, pid 1234
            "efffffff" +                                             // error -17 (EEXIST)
            "70000000" + "1000" + "0506" + "05000000" + "00000000" + // echoed request header only (capped)
            "1a00" + "0100").Concat(text).ToArray();                 // NLMSGERR_ATTR_MSG, 26 bytes
        var reader = new MessageReader(bytes);
        Assert.True(reader.MoveNext());
        var (errno, extack) = NetlinkError.Decode(reader.Current);
        Assert.Equal(17, errno);
        Assert.Equal("Device already exists", extack);

        var exception = new NetlinkException("RTM_NEWLINK veth eth0", errno, extack);
        Assert.Equal("RTM_NEWLINK veth eth0: EEXIST (File exists): Device already exists", exception.Message);
    }

    [Fact]
    public void AckWithoutTlvsIsErrnoZero()
    {
        var bytes = Convert.FromHexString("24000000" + "0200" + "0001" + "05000000" + "d2040000" + "00000000" +
                                          "70000000" + "1000" + "0506" + "05000000" + "00000000");
        var reader = new MessageReader(bytes);
        Assert.True(reader.MoveNext());
        Assert.Equal((0, (string?)null), NetlinkError.Decode(reader.Current));
    }

    [Fact]
    public void AttributeReaderStopsAtTruncatedAttribute()
    {
        // A well-formed u32 attribute followed by one claiming 32 bytes with only 4 present.
        var bytes = Convert.FromHexString("0800 0100 2a000000 2000 0200 0000".Replace(" ", ""));
        var seen = new List<(ushort, uint)>();
        foreach (var a in new AttributeReader(bytes)) seen.Add((a.Type, a.U32));
        Assert.Equal([((ushort)1, 42u)], seen);
    }

    [Fact]
    public void LinkNotFoundIsChosenForEnodev()
    {
        Assert.IsType<LinkNotFoundException>(NetlinkSocket.Failure("RTM_GETLINK x", 19, null));
        Assert.IsNotType<LinkNotFoundException>(NetlinkSocket.Failure("RTM_NEWLINK x", 17, null));
    }
}
