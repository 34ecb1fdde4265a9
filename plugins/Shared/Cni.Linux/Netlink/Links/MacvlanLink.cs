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

/// <summary>A macvlan on a parent link (`ip link add NAME link PARENT type macvlan mode MODE`).</summary>
public sealed class MacvlanLink : LinkSpec
{
    public override string Kind => "macvlan";

    /// <summary>The parent (master) link's index, sent as IFLA_LINK.</summary>
    public required int ParentIndex { get; init; }
    public MacvlanMode Mode { get; init; } = MacvlanMode.Bridge;

    internal override void WriteLinkAttributes(ref NetlinkWriter writer)
        => writer.AttributeU32(Rtnl.IFLA_LINK, (uint)ParentIndex);

    internal override bool HasInfoData => true;

    internal override void WriteInfoData(ref NetlinkWriter writer)
        => writer.AttributeU32(Rtnl.IFLA_MACVLAN_MODE, (uint)Mode);

    internal static MacvlanLink Decode(string name, int parentIndex, AttributeReader data)
    {
        var mode = MacvlanMode.Vepa; // the kernel's default when no mode was given
        foreach (var a in data)
            if (a.Type == Rtnl.IFLA_MACVLAN_MODE) mode = (MacvlanMode)a.U32;
        return new MacvlanLink { Name = name, ParentIndex = parentIndex, Mode = mode };
    }
}
