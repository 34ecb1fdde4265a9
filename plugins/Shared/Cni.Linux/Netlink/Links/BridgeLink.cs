using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>A bridge (`ip link add NAME type bridge [vlan_filtering 0|1]`).</summary>
public sealed class BridgeLink : LinkSpec
{
    public override string Kind => "bridge";

    /// <summary>IFLA_BR_VLAN_FILTERING; null leaves the kernel default (off).</summary>
    public bool? VlanFiltering { get; init; }

    internal override bool HasInfoData => VlanFiltering.HasValue;

    internal override void WriteInfoData(ref NetlinkWriter writer)
    {
        if (VlanFiltering is bool on) writer.AttributeU8(Rtnl.IFLA_BR_VLAN_FILTERING, on ? (byte)1 : (byte)0);
    }

    internal static BridgeLink Decode(string name, AttributeReader data)
    {
        bool? filtering = null;
        foreach (var a in data)
            if (a.Type == Rtnl.IFLA_BR_VLAN_FILTERING) filtering = a.U8 != 0;
        return new BridgeLink { Name = name, VlanFiltering = filtering };
    }
}
