using System.Buffers.Binary;
using Cni.Linux.Netlink;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Tests.Unit;

/// <summary>
/// The request/reply rules of <see cref="ReplyCollector{T}"/> on hand-made datagrams: what a dump split over
/// several recv calls, a stale reply, a foreign port, DUMP_INTR and errors look like on the wire.
/// </summary>
public class ReplyProtocolTests
{
    private const uint Port = 777, Seq = 42;
    private const ushort Multi = 0x2, DumpIntr = 0x10, RtmNewAddr = 20;

    private static ReplyCollector<string> Dump()
        => new(Seq, Port, dump: true, "RTM_GETADDR dump", m => $"{m.Type}:{m.Payload.Length}");

    /// <summary>One message: 16-byte header then <paramref name="payload"/>, padded to 4.</summary>
    private static byte[] Msg(ushort type, ushort flags, byte[] payload, uint seq = Seq, uint pid = Port)
    {
        int len = 16 + payload.Length;
        var b = new byte[NetlinkAlign.Align(len)];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)len);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), seq);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), pid);
        payload.CopyTo(b, 16);
        return b;
    }

    private static byte[] Datagram(params byte[][] messages) => messages.SelectMany(m => m).ToArray();
    private static byte[] Done(int error = 0) => Msg(3, Multi, BitConverter.GetBytes(error));
    private static byte[] Ack(int error, uint seq = Seq) => Msg(2, 0x100, [.. BitConverter.GetBytes(error), .. new byte[16]], seq);

    [Fact]
    public void DumpSpanningSeveralDatagramsEndsOnlyAtDone()
    {
        var c = Dump();
        Assert.False(c.Consume(Datagram(Msg(RtmNewAddr, Multi, new byte[8]), Msg(RtmNewAddr, Multi, new byte[12]))));
        Assert.False(c.Consume(Datagram(Msg(RtmNewAddr, Multi, new byte[8]))));
        Assert.True(c.Consume(Datagram(Msg(RtmNewAddr, Multi, new byte[4]), Done())));
        Assert.Equal(["20:8", "20:12", "20:8", "20:4"], c.Results);
        Assert.False(c.Interrupted);
    }

    [Fact]
    public void StaleSequenceAndForeignPortAreSkipped()
    {
        var c = Dump();
        Assert.False(c.Consume(Datagram(
            Msg(RtmNewAddr, Multi, new byte[8], seq: Seq - 1),   // an abandoned earlier dump
            Msg(3, Multi, new byte[4], seq: Seq - 1),                // ...and its NLMSG_DONE
            Msg(RtmNewAddr, Multi, new byte[8], pid: Port + 1))));
        Assert.Empty(c.Results);
        Assert.True(c.Consume(Done()));
    }

    [Fact]
    public void DumpIntrIsReportedSoTheSocketStartsAgain()
    {
        var c = Dump();
        Assert.True(c.Consume(Datagram(Msg(RtmNewAddr, Multi | DumpIntr, new byte[8]), Done())));
        Assert.True(c.Interrupted);
    }

    [Fact]
    public void DoneCarryingAnErrorThrows()
    {
        var c = Dump();
        var e = Assert.Throws<NetlinkException>(() => c.Consume(Done(-22)));
        Assert.Equal("EINVAL", e.ErrnoName);
        Assert.StartsWith("RTM_GETADDR dump: EINVAL", e.Message);
    }

    [Fact]
    public void RequestEndsAtItsAckAndErrorsThrowTypedExceptions()
    {
        var request = new ReplyCollector<string>(Seq, Port, dump: false, "RTM_NEWLINK bridge br0", decode: null);
        Assert.False(request.Consume(Ack(0, seq: Seq - 1)));
        Assert.True(request.Consume(Ack(0)));

        var missing = new ReplyCollector<string>(Seq, Port, dump: false, "RTM_DELLINK index 9", decode: null);
        Assert.Throws<LinkNotFoundException>(() => missing.Consume(Ack(-19)));
        var exists = new ReplyCollector<string>(Seq, Port, dump: false, "RTM_NEWLINK bridge br0", decode: null);
        var e = Assert.Throws<NetlinkException>(() => exists.Consume(Ack(-17)));
        Assert.Equal("RTM_NEWLINK bridge br0: EEXIST (File exists)", e.Message);
    }

    [Fact]
    public void DeclaredAbsentErrnoEndsTheExchangeWithoutThrowingAndOnlyThatOne()
    {
        var lookup = new ReplyCollector<string>(Seq, Port, dump: false, "RTM_GETLINK eth0", _ => "x", absentErrno: 19);
        Assert.False(lookup.Consume(Ack(-19, seq: Seq - 1))); // not ours: ignored
        Assert.True(lookup.Consume(Ack(-19)));
        Assert.True(lookup.Absent);
        Assert.Empty(lookup.Results);

        var other = new ReplyCollector<string>(Seq, Port, dump: false, "RTM_GETLINK eth0", _ => "x", absentErrno: 19);
        Assert.Throws<NetlinkException>(() => other.Consume(Ack(-1))); // EPERM is still an error
        Assert.False(other.Absent);
    }
}
