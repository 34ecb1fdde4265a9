using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>MACVLAN_MODE_* (linux/if_link.h).</summary>
public enum MacvlanMode : uint
{
    Private = 1,
    Vepa = 2,
    Bridge = 4,
    Passthru = 8,
    Source = 16,
}

/// <summary>A macvlan on a parent link (`ip link add NAME link PARENT type macvlan mode MODE [bcqueuelen N]`).</summary>
public sealed class MacvlanLink : LinkSpec
{
    // linux/if_link.h, enum IFLA_MACVLAN_*: after MODE(1), FLAGS(2), MACADDR_MODE, MACADDR, MACADDR_DATA and
    // MACADDR_COUNT come BC_QUEUE_LEN(7) and the read-only BC_QUEUE_LEN_USED(8), both since Linux 5.11. Kept
    // here, next to the only kind that uses them, rather than in the shared constants file.
    private const ushort IFLA_MACVLAN_BC_QUEUE_LEN = 7, IFLA_MACVLAN_BC_QUEUE_LEN_USED = 8;

    public override string Kind => "macvlan";

    /// <summary>The parent (master) link's index, sent as IFLA_LINK.</summary>
    public required int ParentIndex { get; init; }
    public MacvlanMode Mode { get; init; } = MacvlanMode.Bridge;

    /// <summary>
    /// The requested length of the queue that hands broadcast/multicast frames to the macvlans (`bcqueuelen`);
    /// null leaves the kernel's default (1000). Sent only when set, so older kernels that reject the unknown
    /// attribute still accept every other macvlan.
    /// </summary>
    public uint? BcQueueLen { get; init; }

    /// <summary>
    /// Read back only: the length the parent's shared queue really uses, the largest request of all macvlans
    /// on that parent (`usedbcqueuelen` in `ip -d link`). Null when the kernel does not report it.
    /// </summary>
    public uint? BcQueueLenUsed { get; init; }

    internal override void WriteLinkAttributes(ref NetlinkWriter writer)
        => writer.AttributeU32(Rtnl.IFLA_LINK, (uint)ParentIndex);

    internal override bool HasInfoData => true;

    internal override void WriteInfoData(ref NetlinkWriter writer)
    {
        writer.AttributeU32(Rtnl.IFLA_MACVLAN_MODE, (uint)Mode);
        if (BcQueueLen is uint len) writer.AttributeU32(IFLA_MACVLAN_BC_QUEUE_LEN, len);
    }

    internal static MacvlanLink Decode(string name, int parentIndex, AttributeReader data)
    {
        var mode = MacvlanMode.Vepa; // the kernel's default when no mode was given
        uint? bcQueueLen = null, bcQueueLenUsed = null;
        foreach (var a in data)
        {
            switch (a.Type)
            {
                case Rtnl.IFLA_MACVLAN_MODE: mode = (MacvlanMode)a.U32; break;
                case IFLA_MACVLAN_BC_QUEUE_LEN: bcQueueLen = a.U32; break;
                case IFLA_MACVLAN_BC_QUEUE_LEN_USED: bcQueueLenUsed = a.U32; break;
            }
        }
        return new MacvlanLink
        {
            Name = name, ParentIndex = parentIndex, Mode = mode, BcQueueLen = bcQueueLen, BcQueueLenUsed = bcQueueLenUsed,
        };
    }
}
