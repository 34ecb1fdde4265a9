using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>
/// An 802.1Q subinterface (`ip link add NAME link PARENT type vlan id ID`): frames it sends leave the parent
/// tagged with <see cref="VlanId"/>, and the parent hands it the frames carrying that tag. Needs the kernel's
/// 8021q module; without it the kernel answers EOPNOTSUPP ("Unknown device type" in iproute2's words).
/// </summary>
public sealed class VlanLink : LinkSpec
{
    // linux/if_link.h: enum { IFLA_VLAN_UNSPEC, IFLA_VLAN_ID, ... }. Kept here, next to the only kind that
    // uses it, rather than in the shared constants file.
    private const ushort IFLA_VLAN_ID = 1;

    public override string Kind => "vlan";

    /// <summary>The parent link's index, sent as IFLA_LINK.</summary>
    public required int ParentIndex { get; init; }

    /// <summary>The 802.1Q VLAN id, 1..4094 (0 and 4095 are reserved by the standard).</summary>
    public required int VlanId { get; init; }

    internal override void WriteLinkAttributes(ref NetlinkWriter writer)
        => writer.AttributeU32(Rtnl.IFLA_LINK, (uint)ParentIndex);

    internal override bool HasInfoData => true;

    internal override void WriteInfoData(ref NetlinkWriter writer)
    {
        if (VlanId < 1 || VlanId > 4094) throw new ArgumentOutOfRangeException(nameof(VlanId), VlanId, $"vlan {Name}: VLAN id must be 1..4094");
        writer.AttributeU16(IFLA_VLAN_ID, (ushort)VlanId);
    }
}
