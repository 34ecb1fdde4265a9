using System.Buffers;
using System.Runtime.InteropServices;
using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>
/// NFNETLINK batches: several messages in ONE sendto, applied by the kernel as one transaction
/// (nf_tables commits all of them or none). Added for the firewall engine (Nftables/).
/// </summary>
internal sealed unsafe partial class NetlinkSocket
{
    /// <summary>NETLINK_NETFILTER from linux/netlink.h: nfnetlink (nf_tables, conntrack...).</summary>
    public const int NETLINK_NETFILTER = 12;

    /// <summary>
    /// Sends <paramref name="datagram"/> (back-to-back messages: a batch-begin, the operations, a batch-end)
    /// in one sendto and waits for the ACK of every operation. Each message gets a fresh sequence number
    /// and NLM_F_REQUEST; the operations (all but the first and last message) also get NLM_F_ACK, because
    /// nfnetlink acknowledges only what asks for it and reports errors only once the whole batch was
    /// processed. The kernel runs the batch synchronously inside sendto, so every reply is already queued
    /// when we start reading. The first error (in message order) is thrown with the name of the operation
    /// that caused it, taken from <paramref name="operations"/> (one per operation message).
    /// </summary>
    public void SendBatch(Span<byte> datagram, IReadOnlyList<string> operations, string batchName)
    {
        int count = 0;
        uint first = unchecked(_sequence + 1);
        int offset = 0;
        int total = CountMessages(datagram);
        if (total < 3) throw new ArgumentException("a batch needs a begin, at least one operation and an end", nameof(datagram));
        if (total - 2 != operations.Count) throw new ArgumentException("one operation name per batch operation", nameof(operations));
        while (offset < datagram.Length)
        {
            ref var header = ref MemoryMarshal.AsRef<nlmsghdr>(datagram[offset..]);
            header.nlmsg_seq = unchecked(++_sequence);
            header.nlmsg_pid = 0;
            header.nlmsg_flags |= NetlinkConst.NLM_F_REQUEST;
            if (count > 0 && count < total - 1) header.nlmsg_flags |= NetlinkConst.NLM_F_ACK;
            offset += NetlinkAlign.Align((int)header.nlmsg_len);
            count++;
        }

        Send(datagram, batchName);

        // Operation i (0-based) carries sequence first + 1 + i.
        var acked = new bool[operations.Count];
        int pending = operations.Count;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(8 * 1024);
        try
        {
            while (pending > 0)
            {
                int length = Receive(ref buffer, batchName);
                foreach (var message in new MessageReader(buffer.AsSpan(0, length)))
                {
                    if (message.Header.nlmsg_pid != PortId || message.Type != NetlinkConst.NLMSG_ERROR) continue;
                    int index = unchecked((int)(message.Header.nlmsg_seq - first - 1));
                    if (index < 0 || index >= acked.Length) continue; // a leftover of an earlier exchange
                    var (errno, text) = NetlinkError.Decode(message);
                    if (errno != 0) throw Failure($"{batchName}: {operations[index]}", errno, text);
                    if (!acked[index])
                    {
                        acked[index] = true;
                        pending--;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int CountMessages(ReadOnlySpan<byte> datagram)
    {
        int count = 0;
        foreach (var _ in new MessageReader(datagram)) count++;
        return count;
    }
}
