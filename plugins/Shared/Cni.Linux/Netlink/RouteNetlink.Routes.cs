using System.Net;
using System.Net.Sockets;
using Cni.Linux.Interop;
using Cni.Linux.Net;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

public sealed partial class RouteNetlink
{
    /// <summary>`ip route add DST [via GW] [dev X] [table T] [metric M] [onlink] [mtu N] [advmss N]`; EEXIST if present.</summary>
    public void AddRoute(Route route)
        => ModifyRoute(Rtnl.RTM_NEWROUTE, NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_EXCL, route, "add");

    /// <summary>`ip route replace ...`: creates the route or replaces the one with the same key.</summary>
    public void ReplaceRoute(Route route)
        => ModifyRoute(Rtnl.RTM_NEWROUTE, NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_REPLACE, route, "replace");

    /// <summary>`ip route append ...`: adds another route with the same key (IPv6 merges it into ECMP).</summary>
    public void AppendRoute(Route route)
        => ModifyRoute(Rtnl.RTM_NEWROUTE, NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_APPEND, route, "append");

    /// <summary>`ip route del DST [via GW] [dev X] [table T] [metric M]`; ESRCH if no route matches.</summary>
    public void DeleteRoute(Route route) => ModifyRoute(Rtnl.RTM_DELROUTE, 0, route, "del");

    /// <summary>
    /// `ip route show [table T] [dev X]` for one family (Unspecified = both). <paramref name="table"/> null
    /// means every table (`table all`). Cached clones (RTM_F_CLONED) are not listed.
    /// </summary>
    public List<Route> ListRoutes(AddressFamily family = AddressFamily.Unspecified, uint? table = Route.MainTable, int? linkIndex = null)
    {
        var w = new NetlinkWriter(Rtnl.RTM_GETROUTE, NetlinkConst.NLM_F_DUMP);
        try
        {
            w.Write(new rtmsg { rtm_family = ToKernelFamily(family) });
            var all = _socket.Query(ref w, "RTM_GETROUTE dump", DecodeRoute);
            all.RemoveAll(r => (table.HasValue && r.Table != table) ||
                               (linkIndex.HasValue && r.LinkIndex != linkIndex) ||
                               (family != AddressFamily.Unspecified && r.Destination.Family != family));
            return all;
        }
        finally { w.Dispose(); }
    }

    private void ModifyRoute(ushort type, ushort flags, Route route, string verb)
    {
        var w = EncodeRoute(type, flags, route);
        string via = route.Gateway != null ? $" via {route.Gateway}" : "";
        string dev = route.LinkIndex is int i ? $" dev {i}" : "";
        try { _socket.Request(ref w, $"{Name(type)} {route.Destination}{via}{dev} table {route.Table} ({verb})"); }
        finally { w.Dispose(); }
    }

    internal static NetlinkWriter EncodeRoute(ushort type, ushort flags, Route route)
    {
        bool delete = type == Rtnl.RTM_DELROUTE;
        var w = new NetlinkWriter(type, flags);
        w.Write(new rtmsg
        {
            rtm_family = ToKernelFamily(route.Destination.Family),
            rtm_dst_len = (byte)route.Destination.PrefixLength,
            // Tables above 255 do not fit the header byte: RT_TABLE_UNSPEC there, the real id in RTA_TABLE.
            rtm_table = route.Table < 256 ? (byte)route.Table : Rtnl.RT_TABLE_UNSPEC,
            // A delete leaves protocol, scope and type as wildcards unless given, like `ip route del`.
            rtm_protocol = delete ? (byte)0 : (byte)route.Protocol,
            rtm_scope = (byte)(route.Scope ?? (delete ? NetworkScope.Nowhere : DefaultScope(route))),
            rtm_type = delete && route.Type == RouteType.Unicast ? (byte)0 : (byte)route.Type,
            rtm_flags = route.OnLink ? Rtnl.RTNH_F_ONLINK : 0,
        });
        w.AttributeU32(Rtnl.RTA_TABLE, route.Table);
        if (route.Destination.PrefixLength > 0) w.AttributeAddress(Rtnl.RTA_DST, route.Destination.Network);
        if (route.Gateway != null) w.AttributeAddress(Rtnl.RTA_GATEWAY, route.Gateway);
        if (route.LinkIndex is int oif) w.AttributeU32(Rtnl.RTA_OIF, (uint)oif);
        if (route.Priority is uint metric) w.AttributeU32(Rtnl.RTA_PRIORITY, metric);
        if (route.Source != null) w.AttributeAddress(Rtnl.RTA_PREFSRC, route.Source);
        if (route.Mtu.HasValue || route.AdvMss.HasValue)
        {
            using var metrics = w.Nest(Rtnl.RTA_METRICS);
            if (route.Mtu is uint mtu) w.AttributeU32(Rtnl.RTAX_MTU, mtu);
            if (route.AdvMss is uint mss) w.AttributeU32(Rtnl.RTAX_ADVMSS, mss);
        }
        return w;
    }

    /// <summary>iproute2's choice: host for local routes, link for on-link unicast and broadcast kinds, else universe.</summary>
    private static NetworkScope DefaultScope(Route route) => route.Type switch
    {
        RouteType.Local => NetworkScope.Host,
        RouteType.Broadcast or RouteType.Multicast or RouteType.Anycast => NetworkScope.Link,
        RouteType.Unicast or RouteType.Unspecified when route.Gateway == null => NetworkScope.Link,
        _ => NetworkScope.Universe,
    };

    internal static Route? DecodeRoute(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWROUTE) return null;
        var header = message.Read<rtmsg>();
        if ((header.rtm_flags & Rtnl.RTM_F_CLONED) != 0) return null;
        var family = header.rtm_family switch
        {
            2 => AddressFamily.InterNetwork,
            10 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unspecified,
        };
        if (family == AddressFamily.Unspecified) return null;
        IPAddress? dst = null, gateway = null, source = null;
        int? oif = null;
        uint? priority = null, mtu = null, advmss = null;
        uint table = header.rtm_table;
        foreach (var a in message.Attributes<rtmsg>())
        {
            switch (a.Type)
            {
                case Rtnl.RTA_DST: dst = a.Address; break;
                case Rtnl.RTA_GATEWAY: gateway = a.Address; break;
                case Rtnl.RTA_OIF: oif = (int)a.U32; break;
                case Rtnl.RTA_PRIORITY: priority = a.U32; break;
                case Rtnl.RTA_PREFSRC: source = a.Address; break;
                case Rtnl.RTA_TABLE: table = a.U32; break;
                case Rtnl.RTA_METRICS:
                    foreach (var m in a.Nested)
                    {
                        if (m.Type == Rtnl.RTAX_MTU) mtu = m.U32;
                        else if (m.Type == Rtnl.RTAX_ADVMSS) advmss = m.U32;
                    }
                    break;
            }
        }
        dst ??= family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
        return new Route(new Cidr(dst, header.rtm_dst_len))
        {
            Gateway = gateway, LinkIndex = oif, Table = table, Scope = (NetworkScope)header.rtm_scope,
            Priority = priority, OnLink = (header.rtm_flags & Rtnl.RTNH_F_ONLINK) != 0, Mtu = mtu, AdvMss = advmss,
            Protocol = (RouteProtocol)header.rtm_protocol, Type = (RouteType)header.rtm_type, Source = source,
        };
    }
}
