using Cni.Linux.Interop;
using Cni.Linux.Netlink;
using Cni.Linux.Netlink.Wire;
using Cni.Linux.Nftables;

namespace Cni.Linux.Firewall;

/// <summary>
/// Deletes stale UDP conntrack entries for freshly published ports, over ctnetlink (no `conntrack` exec).
/// Why: a UDP client that sent to HOST:PORT before the mapping existed has a conntrack entry without DNAT;
/// while it keeps sending, the entry never expires and the new DNAT rule is never consulted. TCP is not
/// affected (a new connection gets a new entry). Works in the calling thread's network namespace.
/// </summary>
public static class PortmapConntrack
{
    // linux/netfilter/nfnetlink.h, nfnetlink_conntrack.h
    private const ushort NFNL_SUBSYS_CTNETLINK = 1, IPCTNL_MSG_CT_GET = 1, IPCTNL_MSG_CT_DELETE = 2;
    private const ushort CTA_TUPLE_ORIG = 1, CTA_ZONE = 18;
    private const ushort CTA_TUPLE_IP = 1, CTA_TUPLE_PROTO = 2;
    private const ushort CTA_IP_V4_SRC = 1, CTA_IP_V4_DST = 2, CTA_IP_V6_SRC = 3, CTA_IP_V6_DST = 4;
    private const ushort CTA_PROTO_NUM = 1, CTA_PROTO_SRC_PORT = 2, CTA_PROTO_DST_PORT = 3;
    private const byte IPPROTO_UDP = 17, AF_INET = 2, AF_INET6 = 10;

    /// <summary>
    /// `conntrack -D -p udp --orig-port-dst PORT` for each port, in one dump and one delete per match.
    /// Returns how many entries were deleted; an entry that expired in between is not an error.
    /// </summary>
    public static int FlushUdp(bool ipv4, IReadOnlyCollection<int> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        if (ports.Count == 0) return 0;
        var wanted = ports.Select(p => (ushort)p).ToHashSet();
        byte family = ipv4 ? AF_INET : AF_INET6;
        using var socket = NetlinkSocket.Open(NetlinkSocket.NETLINK_NETFILTER);
        var dump = Start(IPCTNL_MSG_CT_GET, NetlinkConst.NLM_F_DUMP, family);
        List<Tuple> stale;
        try { stale = socket.Query(ref dump, "conntrack dump", m => Decode(m, wanted)); }
        finally { dump.Dispose(); }

        int deleted = 0;
        foreach (var t in stale)
        {
            var w = Start(IPCTNL_MSG_CT_DELETE, 0, family);
            try
            {
                using (w.Nest(Nested(CTA_TUPLE_ORIG)))
                {
                    using (w.Nest(Nested(CTA_TUPLE_IP)))
                    {
                        w.Attribute(ipv4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, t.Source);
                        w.Attribute(ipv4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, t.Destination);
                    }
                    using (w.Nest(Nested(CTA_TUPLE_PROTO)))
                    {
                        w.AttributeU8(CTA_PROTO_NUM, IPPROTO_UDP);
                        w.AttributeU16BigEndian(CTA_PROTO_SRC_PORT, t.SourcePort);
                        w.AttributeU16BigEndian(CTA_PROTO_DST_PORT, t.DestinationPort);
                    }
                }
                if (t.Zone is { } zone) w.AttributeU16BigEndian(CTA_ZONE, zone);
                socket.Request(ref w, $"conntrack delete udp dport {t.DestinationPort}");
                deleted++;
            }
            catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
            {
            }
            finally { w.Dispose(); }
        }
        return deleted;
    }

    private static NetlinkWriter Start(ushort msg, ushort flags, byte family)
    {
        var w = new NetlinkWriter((ushort)((NFNL_SUBSYS_CTNETLINK << 8) | msg), flags);
        w.Write(new nfgenmsg { nfgen_family = family, version = 0, res_id = 0 });
        return w;
    }

    private static ushort Nested(ushort type) => (ushort)(type | NetlinkConst.NLA_F_NESTED);

    private static Tuple? Decode(NetlinkMessage message, HashSet<ushort> wanted)
    {
        if (message.Type != ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET) && message.Type != (NFNL_SUBSYS_CTNETLINK << 8)) return null;
        byte[]? src = null, dst = null;
        ushort sport = 0, dport = 0;
        byte proto = 0;
        ushort? zone = null;
        foreach (var a in message.Attributes<nfgenmsg>())
        {
            if ((a.Type & 0x3fff) == CTA_ZONE) zone = a.U16BigEndian;
            if ((a.Type & 0x3fff) != CTA_TUPLE_ORIG) continue;
            foreach (var part in a.Nested)
            {
                if ((part.Type & 0x3fff) == CTA_TUPLE_IP)
                    foreach (var ip in part.Nested)
                        switch (ip.Type & 0x3fff)
                        {
                            case CTA_IP_V4_SRC or CTA_IP_V6_SRC: src = ip.Value.ToArray(); break;
                            case CTA_IP_V4_DST or CTA_IP_V6_DST: dst = ip.Value.ToArray(); break;
                        }
                else if ((part.Type & 0x3fff) == CTA_TUPLE_PROTO)
                    foreach (var p in part.Nested)
                        switch (p.Type & 0x3fff)
                        {
                            case CTA_PROTO_NUM: proto = p.U8; break;
                            case CTA_PROTO_SRC_PORT: sport = p.U16BigEndian; break;
                            case CTA_PROTO_DST_PORT: dport = p.U16BigEndian; break;
                        }
            }
        }
        if (proto != IPPROTO_UDP || src == null || dst == null || !wanted.Contains(dport)) return null;
        return new Tuple(src, dst, sport, dport, zone);
    }

    private sealed record Tuple(byte[] Source, byte[] Destination, ushort SourcePort, ushort DestinationPort, ushort? Zone);
}
