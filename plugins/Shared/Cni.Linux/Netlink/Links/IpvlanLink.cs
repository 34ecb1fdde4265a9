using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>IPVLAN_MODE_* (linux/if_link.h).</summary>
public enum IpvlanMode : ushort
{
    L2 = 0,
    L3 = 1,
    L3S = 2,
}

/// <summary>IPVLAN_F_* (linux/if_link.h); 0 is the default "bridge" behaviour.</summary>
[Flags]
public enum IpvlanFlags : ushort
{
    Bridge = 0,
    Private = 1,
    Vepa = 2,
}

/// <summary>An ipvlan on a parent link (`ip link add NAME link PARENT type ipvlan mode l2|l3|l3s [private|vepa]`).</summary>
public sealed class IpvlanLink : LinkSpec
{
    public override string Kind => "ipvlan";

    public required int ParentIndex { get; init; }
    public IpvlanMode Mode { get; init; } = IpvlanMode.L2;
    public IpvlanFlags Flags { get; init; } = IpvlanFlags.Bridge;

    internal override void WriteLinkAttributes(ref NetlinkWriter writer)
        => writer.AttributeU32(Rtnl.IFLA_LINK, (uint)ParentIndex);

    internal override bool HasInfoData => true;

    internal override void WriteInfoData(ref NetlinkWriter writer)
    {
        writer.AttributeU16(Rtnl.IFLA_IPVLAN_MODE, (ushort)Mode);
        writer.AttributeU16(Rtnl.IFLA_IPVLAN_FLAGS, (ushort)Flags);
    }

    internal static IpvlanLink Decode(string name, int parentIndex, AttributeReader data)
    {
        var mode = IpvlanMode.L3;
        var flags = IpvlanFlags.Bridge;
        foreach (var a in data)
        {
            if (a.Type == Rtnl.IFLA_IPVLAN_MODE) mode = (IpvlanMode)a.U16;
            else if (a.Type == Rtnl.IFLA_IPVLAN_FLAGS) flags = (IpvlanFlags)a.U16;
        }
        return new IpvlanLink { Name = name, ParentIndex = parentIndex, Mode = mode, Flags = flags };
    }
}
