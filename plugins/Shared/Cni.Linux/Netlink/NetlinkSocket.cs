using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>Turns one received message into a value, or null to skip it.</summary>
internal delegate T? MessageDecoder<T>(NetlinkMessage message) where T : class;

/// <summary>
/// The one owner of a netlink fd. It speaks the request/reply protocol: every request carries a fresh
/// sequence number, replies are accepted only from the kernel (sender port 0) with our port id and that
/// sequence number, a request waits for its ACK, a dump is read across as many recv calls as it takes until
/// NLMSG_DONE, and a dump the kernel marks NLM_F_DUMP_INTR (the table changed while it was being walked)
/// is started again, at most <see cref="MaxDumpAttempts"/> times.
/// </summary>
internal sealed unsafe partial class NetlinkSocket : IDisposable
{
    public const int MaxDumpAttempts = 5;
    private const int InitialReceiveBuffer = 32 * 1024;

    private readonly FdHandle _fd;
    private uint _sequence;

    private NetlinkSocket(FdHandle fd, uint portId)
    {
        _fd = fd;
        PortId = portId;
        // Start from a time-based value so replies to an earlier socket that reused our port id cannot match.
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>The port id the kernel assigned at bind (nl_pid); replies are addressed to it.</summary>
    public uint PortId { get; }

    /// <summary>Datagrams received so far; lets tests prove a dump really spanned several recv calls.</summary>
    internal long DatagramsReceived { get; private set; }

    /// <summary>
    /// Opens a socket of <paramref name="protocol"/> in the calling thread's network namespace, where it stays
    /// bound for its whole life. Turns on extended ACKs (error text), capped ACKs (no echo of our request) and
    /// strict checking (the kernel rejects malformed dump requests instead of ignoring filters).
    /// </summary>
    public static NetlinkSocket Open(int protocol)
    {
        int fd = (int)Errno.Check(LibC.socket(NetlinkConst.AF_NETLINK, NetlinkConst.SOCK_RAW | NetlinkConst.SOCK_CLOEXEC, protocol), "socket AF_NETLINK");
        var handle = new FdHandle(fd);
        try
        {
            SetOption(fd, NetlinkConst.NETLINK_EXT_ACK, "NETLINK_EXT_ACK");
            SetOption(fd, NetlinkConst.NETLINK_CAP_ACK, "NETLINK_CAP_ACK");
            SetOption(fd, NetlinkConst.NETLINK_GET_STRICT_CHK, "NETLINK_GET_STRICT_CHK");
            var local = new sockaddr_nl { nl_family = NetlinkConst.AF_NETLINK };
            Errno.Check(LibC.bind(fd, &local, sizeof(sockaddr_nl)), "bind AF_NETLINK");
            int length = sizeof(sockaddr_nl);
            Errno.Check(LibC.getsockname(fd, &local, &length), "getsockname AF_NETLINK");
            return new NetlinkSocket(handle, local.nl_pid);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void SetOption(int fd, int option, string name)
    {
        int one = 1;
        Errno.Check(LibC.setsockopt(fd, NetlinkConst.SOL_NETLINK, option, &one, sizeof(int)), "setsockopt " + name);
    }

    /// <summary>Sends a change request (NLM_F_ACK is added) and returns when the kernel acknowledged it.</summary>
    public void Request(ref NetlinkWriter request, string operation)
        => Exchange<object>(ref request, operation, decode: null);

    /// <summary>Sends a request whose answer is data messages (a GET or a dump) and decodes each of them.</summary>
    public List<T> Query<T>(ref NetlinkWriter request, string operation, MessageDecoder<T> decode) where T : class
        => Exchange(ref request, operation, decode)!;

    /// <summary>
    /// <see cref="Query{T}"/> for a lookup whose target may not exist: null when the kernel answers
    /// <paramref name="absentErrno"/>, without an exception (one costs a NativeAOT process tens of microseconds,
    /// and "is it there?" is asked on every ADD).
    /// </summary>
    public List<T>? TryQuery<T>(ref NetlinkWriter request, string operation, MessageDecoder<T> decode, int absentErrno) where T : class
        => Exchange(ref request, operation, decode, absentErrno);

    private List<T>? Exchange<T>(ref NetlinkWriter request, string operation, MessageDecoder<T>? decode, int absentErrno = 0) where T : class
    {
        ref var header = ref MemoryMarshal.AsRef<nlmsghdr>(request.Message);
        bool dump = (header.nlmsg_flags & NetlinkConst.NLM_F_DUMP) == NetlinkConst.NLM_F_DUMP;
        // A dump ends with NLMSG_DONE; anything else ends with its ACK, which we always ask for.
        header.nlmsg_flags |= dump ? NetlinkConst.NLM_F_REQUEST : (ushort)(NetlinkConst.NLM_F_REQUEST | NetlinkConst.NLM_F_ACK);

        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        try
        {
            // Only a dump can come back NLM_F_DUMP_INTR; a request completes on the first pass.
            for (int attempt = 1; attempt <= MaxDumpAttempts; attempt++)
            {
                uint sequence = unchecked(++_sequence);
                MemoryMarshal.AsRef<nlmsghdr>(request.Message).nlmsg_seq = sequence;
                Send(request.Message, operation);
                var replies = new ReplyCollector<T>(sequence, PortId, dump, operation, decode, absentErrno);
                bool complete;
                do
                {
                    // Receive may swap in a bigger buffer, so the length is taken before the span.
                    int length = Receive(ref buffer, operation);
                    complete = replies.Consume(buffer.AsSpan(0, length));
                } while (!complete);
                if (replies.Absent) return null;
                if (!replies.Interrupted) return replies.Results;
            }
            throw new NetlinkException(operation, Errno.EINTR,
                $"dump interrupted by concurrent changes {MaxDumpAttempts} times in a row (NLM_F_DUMP_INTR)");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static NetlinkException Failure(string operation, int errno, string? text)
        => errno == Errno.ENODEV ? new LinkNotFoundException(operation, errno, text) : new NetlinkException(operation, errno, text);

    private void Send(ReadOnlySpan<byte> message, string operation)
    {
        bool added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            int fd = _fd.Fd;
            fixed (byte* p = message)
            {
                nint ptr = (nint)p;
                nuint len = (nuint)message.Length;
                Errno.Retry("sendto " + operation, () =>
                {
                    var kernel = new sockaddr_nl { nl_family = NetlinkConst.AF_NETLINK };
                    return LibC.sendto(fd, (void*)ptr, len, 0, &kernel, sizeof(sockaddr_nl));
                });
            }
        }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
    }

    /// <summary>
    /// Receives one datagram from the kernel. It first peeks with MSG_TRUNC to learn the datagram's real size
    /// so a large one (a link with many attributes) grows the buffer instead of being silently cut.
    /// Datagrams not sent by the kernel (nl_pid != 0) are dropped: another process may write to our port.
    /// </summary>
    private int Receive(ref byte[] buffer, string operation)
    {
        bool added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            int fd = _fd.Fd;
            while (true)
            {
                int size = (int)ReceiveInto(fd, buffer, NetlinkConst.MSG_PEEK | NetlinkConst.MSG_TRUNC, operation, out _);
                if (size > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(size);
                }
                int length = (int)ReceiveInto(fd, buffer, 0, operation, out uint sender);
                if (sender != 0) continue;
                DatagramsReceived++;
                return length;
            }
        }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
    }

    private static long ReceiveInto(int fd, byte[] buffer, int flags, string operation, out uint sender)
    {
        sockaddr_nl from = default;
        fixed (byte* p = buffer)
        {
            nint ptr = (nint)p;
            nuint len = (nuint)buffer.Length;
            sockaddr_nl* fromPtr = &from;
            nint fromAddr = (nint)fromPtr;
            long n = Errno.Retry("recvfrom " + operation, () =>
            {
                int addrLength = sizeof(sockaddr_nl);
                return LibC.recvfrom(fd, (void*)ptr, len, flags, (sockaddr_nl*)fromAddr, &addrLength);
            });
            sender = from.nl_pid;
            return n;
        }
    }

    public void Dispose() => _fd.Dispose();
}
