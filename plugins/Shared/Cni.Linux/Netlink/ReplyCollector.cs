using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>
/// The reply side of one request, fed datagram by datagram: it keeps only messages for our port id and
/// the request's sequence number, decodes data messages, notes NLM_F_DUMP_INTR, and says when the exchange
/// is over (the ACK of a request, NLMSG_DONE of a dump). Errors throw, with the kernel's extack text.
/// Kept apart from the socket so the protocol rules are unit-tested on hand-made datagrams.
/// </summary>
internal sealed class ReplyCollector<T> where T : class
{
    private readonly uint _sequence;
    private readonly uint _portId;
    private readonly bool _dump;
    private readonly string _operation;
    private readonly MessageDecoder<T>? _decode;
    private readonly int _absentErrno;

    /// <param name="absentErrno">An error that means "no such object" to the caller (ENODEV for a link, ENOENT for an
    /// nftables object): it ends the exchange with <see cref="Absent"/> set instead of throwing. 0: none.</param>
    public ReplyCollector(uint sequence, uint portId, bool dump, string operation, MessageDecoder<T>? decode, int absentErrno = 0)
    {
        _sequence = sequence;
        _portId = portId;
        _dump = dump;
        _operation = operation;
        _decode = decode;
        _absentErrno = absentErrno;
    }

    public List<T> Results { get; } = [];

    /// <summary>The kernel answered the error the caller declared as "absent".</summary>
    public bool Absent { get; private set; }

    /// <summary>The kernel flagged the dump as inconsistent (the table changed while it was walked).</summary>
    public bool Interrupted { get; private set; }

    /// <summary>Processes one datagram; returns true once the exchange is complete.</summary>
    public bool Consume(ReadOnlySpan<byte> datagram)
    {
        foreach (var message in new MessageReader(datagram))
        {
            // Leftovers of an earlier exchange that was abandoned (an exception mid-dump) are skipped.
            if (message.Header.nlmsg_seq != _sequence || message.Header.nlmsg_pid != _portId) continue;
            if ((message.Header.nlmsg_flags & NetlinkConst.NLM_F_DUMP_INTR) != 0) Interrupted = true;
            switch (message.Type)
            {
                case NetlinkConst.NLMSG_NOOP:
                    continue;
                case NetlinkConst.NLMSG_ERROR:
                    var (errno, text) = NetlinkError.Decode(message);
                    if (errno != 0 && errno == _absentErrno)
                    {
                        Absent = true;
                        return true;
                    }
                    if (errno != 0) throw NetlinkSocket.Failure(_operation, errno, text);
                    if (!_dump) return true;
                    continue;
                case NetlinkConst.NLMSG_DONE:
                    var (doneErrno, doneText) = NetlinkError.DecodeDone(message);
                    if (doneErrno > 0) throw NetlinkSocket.Failure(_operation, doneErrno, doneText);
                    return true;
                case NetlinkConst.NLMSG_OVERRUN:
                    throw new NetlinkException(_operation, Errno.ENOBUFS, "NLMSG_OVERRUN");
                default:
                    if (_decode != null && _decode(message) is { } value) Results.Add(value);
                    continue;
            }
        }
        return false;
    }
}
