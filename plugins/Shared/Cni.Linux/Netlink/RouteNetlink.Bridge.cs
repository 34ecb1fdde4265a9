using System.Runtime.InteropServices;
using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>
/// Bridge-port settings and VLAN entries. These travel in the AF_BRIDGE family of RTM_SETLINK / RTM_DELLINK
/// addressed to the port, which the kernel hands to the port's bridge (BRIDGE_FLAGS_MASTER).
/// </summary>
public sealed partial class RouteNetlink
{
    /// <summary>`bridge link set dev PORT [hairpin on|off] [isolated on|off] [learning on|off] [flood on|off]`.</summary>
    public void SetBridgePort(int portIndex, BridgePortSettings settings)
    {
        var w = EncodeBridgePort(portIndex, settings);
        try { _socket.Request(ref w, $"RTM_SETLINK bridge port index {portIndex}"); }
        finally { w.Dispose(); }
    }

    /// <summary>`bridge vlan add dev PORT vid N[-M] [pvid] [untagged]`. Needs a kernel with bridge VLAN filtering.</summary>
    public void AddBridgeVlan(BridgeVlan vlan) => ModifyBridgeVlan(Rtnl.RTM_SETLINK, vlan, "add");

    /// <summary>`bridge vlan del dev PORT vid N[-M]`.</summary>
    public void DeleteBridgeVlan(BridgeVlan vlan) => ModifyBridgeVlan(Rtnl.RTM_DELLINK, vlan, "del");

    /// <summary>`bridge vlan show [dev PORT]`: one entry per VLAN (ranges are reported expanded by the kernel).</summary>
    public List<BridgeVlan> ListBridgeVlans(int? portIndex = null)
    {
        var w = new NetlinkWriter(Rtnl.RTM_GETLINK, NetlinkConst.NLM_F_DUMP);
        try
        {
            w.Write(new ifinfomsg { ifi_family = NetlinkConst.AF_BRIDGE });
            // Without this filter the kernel leaves VLAN entries out of AF_BRIDGE link dumps.
            w.AttributeU32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_BRVLAN);
            var perPort = _socket.Query(ref w, "RTM_GETLINK bridge vlan dump", DecodeBridgeVlans);
            return perPort.SelectMany(p => p).Where(v => portIndex == null || v.LinkIndex == portIndex).ToList();
        }
        finally { w.Dispose(); }
    }

    internal static NetlinkWriter EncodeBridgePort(int portIndex, BridgePortSettings settings)
    {
        var w = new NetlinkWriter(Rtnl.RTM_SETLINK, 0);
        w.Write(new ifinfomsg { ifi_family = NetlinkConst.AF_BRIDGE, ifi_index = portIndex });
        // The kernel reads IFLA_PROTINFO as port settings only when NLA_F_NESTED is set; without it the
        // attribute is taken as a bare STP state byte (an old binary interface).
        using (w.Nest(Rtnl.IFLA_PROTINFO | NetlinkConst.NLA_F_NESTED))
        {
            if (settings.Hairpin is bool hairpin) w.AttributeU8(Rtnl.IFLA_BRPORT_MODE, hairpin ? (byte)1 : (byte)0);
            if (settings.Learning is bool learning) w.AttributeU8(Rtnl.IFLA_BRPORT_LEARNING, learning ? (byte)1 : (byte)0);
            if (settings.UnicastFlood is bool flood) w.AttributeU8(Rtnl.IFLA_BRPORT_UNICAST_FLOOD, flood ? (byte)1 : (byte)0);
            if (settings.Isolated is bool isolated) w.AttributeU8(Rtnl.IFLA_BRPORT_ISOLATED, isolated ? (byte)1 : (byte)0);
        }
        return w;
    }

    private void ModifyBridgeVlan(ushort type, BridgeVlan vlan, string verb)
    {
        var w = EncodeBridgeVlan(type, vlan);
        try { _socket.Request(ref w, $"{(type == Rtnl.RTM_SETLINK ? "RTM_SETLINK" : "RTM_DELLINK")} bridge vlan {vlan.Vid} port index {vlan.LinkIndex} ({verb})"); }
        finally { w.Dispose(); }
    }

    internal static NetlinkWriter EncodeBridgeVlan(ushort type, BridgeVlan vlan)
    {
        ushort flags = (ushort)((vlan.Pvid ? Rtnl.BRIDGE_VLAN_INFO_PVID : 0) | (vlan.Untagged ? Rtnl.BRIDGE_VLAN_INFO_UNTAGGED : 0));
        var w = new NetlinkWriter(type, 0);
        w.Write(new ifinfomsg { ifi_family = NetlinkConst.AF_BRIDGE, ifi_index = vlan.LinkIndex });
        using (w.Nest(Rtnl.IFLA_AF_SPEC))
        {
            w.AttributeU16(Rtnl.IFLA_BRIDGE_FLAGS, Rtnl.BRIDGE_FLAGS_MASTER);
            if (vlan.RangeEnd is ushort end && end != vlan.Vid)
            {
                // A range is two consecutive entries flagged begin and end (how `bridge vlan add vid 10-20` sends it).
                WriteVlanInfo(ref w, (ushort)(flags | Rtnl.BRIDGE_VLAN_INFO_RANGE_BEGIN), vlan.Vid);
                WriteVlanInfo(ref w, (ushort)(flags | Rtnl.BRIDGE_VLAN_INFO_RANGE_END), end);
            }
            else
            {
                WriteVlanInfo(ref w, flags, vlan.Vid);
            }
        }
        return w;
    }

    private static void WriteVlanInfo(ref NetlinkWriter w, ushort flags, ushort vid)
    {
        var info = new bridge_vlan_info { flags = flags, vid = vid };
        w.Attribute(Rtnl.IFLA_BRIDGE_VLAN_INFO, MemoryMarshal.AsBytes(new ReadOnlySpan<bridge_vlan_info>(in info)));
    }

    internal static List<BridgeVlan>? DecodeBridgeVlans(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWLINK) return null;
        var header = message.Read<ifinfomsg>();
        var vlans = new List<BridgeVlan>();
        foreach (var a in message.Attributes<ifinfomsg>())
        {
            if (a.Type != Rtnl.IFLA_AF_SPEC) continue;
            foreach (var entry in a.Nested)
            {
                if (entry.Type != Rtnl.IFLA_BRIDGE_VLAN_INFO) continue;
                var info = NetlinkMessage.ReadStruct<bridge_vlan_info>(entry.Value);
                vlans.Add(new BridgeVlan(header.ifi_index, info.vid)
                {
                    Pvid = (info.flags & Rtnl.BRIDGE_VLAN_INFO_PVID) != 0,
                    Untagged = (info.flags & Rtnl.BRIDGE_VLAN_INFO_UNTAGGED) != 0,
                });
            }
        }
        return vlans;
    }
}
