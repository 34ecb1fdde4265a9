using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

public sealed partial class RouteNetlink
{
    private const ushort CreateExcl = NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_EXCL;
    private const ushort CreateReplace = NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_REPLACE;
    private const ushort CreateAppend = NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_APPEND;

    /// <summary>`ip neigh add IP lladdr MAC dev X nud permanent`; EEXIST if present.</summary>
    public void AddNeighbor(Neighbor neighbor) => ModifyNeighbor(Rtnl.RTM_NEWNEIGH, CreateExcl, neighbor);

    /// <summary>`ip neigh replace IP lladdr MAC dev X nud STATE`.</summary>
    public void ReplaceNeighbor(Neighbor neighbor) => ModifyNeighbor(Rtnl.RTM_NEWNEIGH, CreateReplace, neighbor);

    /// <summary>`ip neigh del IP dev X`.</summary>
    public void DeleteNeighbor(Neighbor neighbor) => ModifyNeighbor(Rtnl.RTM_DELNEIGH, 0, neighbor);

    /// <summary>`ip neigh show [dev X]` for IPv4/IPv6 (bridge FDB entries are excluded: see <see cref="ListFdbEntries"/>).</summary>
    public List<Neighbor> ListNeighbors(int? linkIndex = null, AddressFamily family = AddressFamily.Unspecified)
    {
        var w = new NetlinkWriter(Rtnl.RTM_GETNEIGH, NetlinkConst.NLM_F_DUMP);
        try
        {
            w.Write(new ndmsg { ndm_family = ToKernelFamily(family) });
            var all = _socket.Query(ref w, "RTM_GETNEIGH dump", DecodeNeighbor);
            all.RemoveAll(n => (linkIndex.HasValue && n.LinkIndex != linkIndex) ||
                               (family != AddressFamily.Unspecified && n.Address.AddressFamily != family));
            return all;
        }
        finally { w.Dispose(); }
    }

    /// <summary>`bridge fdb add MAC dev X [dst IP] [vlan V] self|master permanent`; EEXIST if present.</summary>
    public void AddFdbEntry(FdbEntry entry) => ModifyFdb(Rtnl.RTM_NEWNEIGH, CreateExcl, entry, "add");

    /// <summary>`bridge fdb append MAC dev X dst IP`: another remote for the same MAC (VXLAN flooding lists).</summary>
    public void AppendFdbEntry(FdbEntry entry) => ModifyFdb(Rtnl.RTM_NEWNEIGH, CreateAppend, entry, "append");

    /// <summary>`bridge fdb replace MAC dev X ...`.</summary>
    public void ReplaceFdbEntry(FdbEntry entry) => ModifyFdb(Rtnl.RTM_NEWNEIGH, CreateReplace, entry, "replace");

    /// <summary>`bridge fdb del MAC dev X [dst IP] [vlan V] self|master`.</summary>
    public void DeleteFdbEntry(FdbEntry entry) => ModifyFdb(Rtnl.RTM_DELNEIGH, 0, entry, "del");

    /// <summary>`bridge fdb show [dev X]`.</summary>
    public List<FdbEntry> ListFdbEntries(int? linkIndex = null)
    {
        var w = new NetlinkWriter(Rtnl.RTM_GETNEIGH, NetlinkConst.NLM_F_DUMP);
        try
        {
            w.Write(new ndmsg { ndm_family = NetlinkConst.AF_BRIDGE });
            var all = _socket.Query(ref w, "RTM_GETNEIGH bridge dump", DecodeFdb);
            if (linkIndex.HasValue) all.RemoveAll(e => e.LinkIndex != linkIndex);
            return all;
        }
        finally { w.Dispose(); }
    }

    private void ModifyNeighbor(ushort type, ushort flags, Neighbor neighbor)
    {
        var w = new NetlinkWriter(type, flags);
        try
        {
            w.Write(new ndmsg
            {
                ndm_family = ToKernelFamily(neighbor.Address.AddressFamily),
                ndm_ifindex = neighbor.LinkIndex,
                ndm_state = (ushort)neighbor.State,
                ndm_flags = (byte)neighbor.Flags,
            });
            w.AttributeAddress(Rtnl.NDA_DST, neighbor.Address);
            if (neighbor.Mac != null && type == Rtnl.RTM_NEWNEIGH) w.AttributeMac(Rtnl.NDA_LLADDR, neighbor.Mac);
            _socket.Request(ref w, $"{Name(type)} {neighbor.Address} dev {neighbor.LinkIndex}");
        }
        finally { w.Dispose(); }
    }

    private void ModifyFdb(ushort type, ushort flags, FdbEntry entry, string verb)
    {
        var w = EncodeFdb(type, flags, entry);
        try { _socket.Request(ref w, $"{Name(type)} fdb {entry.Mac} dev {entry.LinkIndex} ({verb})"); }
        finally { w.Dispose(); }
    }

    internal static NetlinkWriter EncodeFdb(ushort type, ushort flags, FdbEntry entry)
    {
        var w = new NetlinkWriter(type, flags);
        w.Write(new ndmsg
        {
            ndm_family = NetlinkConst.AF_BRIDGE,
            ndm_ifindex = entry.LinkIndex,
            ndm_state = (ushort)entry.State,
            ndm_flags = (byte)entry.Flags,
        });
        w.AttributeMac(Rtnl.NDA_LLADDR, entry.Mac);
        if (entry.Destination != null) w.AttributeAddress(Rtnl.NDA_DST, entry.Destination);
        if (entry.Vlan is ushort vlan) w.AttributeU16(Rtnl.NDA_VLAN, vlan);
        return w;
    }

    internal static Neighbor? DecodeNeighbor(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWNEIGH) return null;
        var header = message.Read<ndmsg>();
        if (header.ndm_family == NetlinkConst.AF_BRIDGE) return null;
        IPAddress? dst = null;
        PhysicalAddress? mac = null;
        foreach (var a in message.Attributes<ndmsg>())
        {
            if (a.Type == Rtnl.NDA_DST) dst = a.Address;
            else if (a.Type == Rtnl.NDA_LLADDR) mac = a.Mac;
        }
        if (dst == null) return null;
        return new Neighbor(header.ndm_ifindex, dst)
        {
            Mac = mac, State = (NeighborState)header.ndm_state, Flags = (NeighborFlags)header.ndm_flags,
        };
    }

    internal static FdbEntry? DecodeFdb(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWNEIGH) return null;
        var header = message.Read<ndmsg>();
        if (header.ndm_family != NetlinkConst.AF_BRIDGE) return null;
        PhysicalAddress? mac = null;
        IPAddress? dst = null;
        ushort? vlan = null;
        int? master = null;
        foreach (var a in message.Attributes<ndmsg>())
        {
            switch (a.Type)
            {
                case Rtnl.NDA_LLADDR: mac = a.Mac; break;
                case Rtnl.NDA_DST: dst = a.Address; break;
                case Rtnl.NDA_VLAN: vlan = a.U16; break;
                case Rtnl.NDA_MASTER: master = (int)a.U32; break;
            }
        }
        if (mac == null) return null;
        return new FdbEntry(header.ndm_ifindex, mac)
        {
            Destination = dst, Vlan = vlan, Flags = (NeighborFlags)header.ndm_flags,
            State = (NeighborState)header.ndm_state, MasterIndex = master,
        };
    }
}
