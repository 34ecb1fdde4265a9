using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>A bridge (`ip link add NAME type bridge [vlan_filtering 0|1]`).</summary>
public sealed class BridgeLink : LinkSpec
{
    public override string Kind => "bridge";

    /// <summary>IFLA_BR_VLAN_FILTERING; null or false leave the kernel default (off).</summary>
    public bool? VlanFiltering { get; init; }

    // Only "on" is sent: a kernel built without CONFIG_BRIDGE_VLAN_FILTERING rejects the attribute with
    // EOPNOTSUPP even when its value is 0, and 0 is the default anyway.
    internal override bool HasInfoData => VlanFiltering == true;

    internal override void WriteInfoData(ref NetlinkWriter writer)
        => writer.AttributeU8(Rtnl.IFLA_BR_VLAN_FILTERING, 1);

    internal static BridgeLink Decode(string name, AttributeReader data)
    {
        bool? filtering = null;
        foreach (var a in data)
            if (a.Type == Rtnl.IFLA_BR_VLAN_FILTERING) filtering = a.U8 != 0;
        return new BridgeLink { Name = name, VlanFiltering = filtering };
    }
}
