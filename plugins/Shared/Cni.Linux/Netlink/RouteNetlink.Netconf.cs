using System.Net.Sockets;
using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

public sealed partial class RouteNetlink
{
    /// <summary>
    /// net.ipv4.ip_forward (<see cref="AddressFamily.InterNetwork"/>) or net.ipv6.conf.all.forwarding
    /// (<see cref="AddressFamily.InterNetworkV6"/>), read with RTM_GETNETCONF for NETCONFA_IFINDEX_ALL. Unlike a
    /// /proc/sys read there is no path to resolve, and resolving /proc/sys/net costs one comparison per network
    /// namespace on the node. Null when the kernel does not report it; throws when the family is not supported.
    /// </summary>
    public bool? GetForwarding(AddressFamily family)
    {
        byte af = family switch
        {
            AddressFamily.InterNetwork => 2,
            AddressFamily.InterNetworkV6 => 10,
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "IPv4 or IPv6"),
        };
        var w = new NetlinkWriter(Rtnl.RTM_GETNETCONF, 0);
        try
        {
            w.Write(new netconfmsg { ncm_family = af });
            w.AttributeI32(Rtnl.NETCONFA_IFINDEX, Rtnl.NETCONFA_IFINDEX_ALL);
            var replies = _socket.Query(ref w, $"RTM_GETNETCONF {family} all", DecodeForwarding);
            return replies.Count > 0 ? replies[0].On : null;
        }
        finally { w.Dispose(); }
    }

    private sealed record Forwarding(bool? On);

    private static Forwarding? DecodeForwarding(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWNETCONF) return null;
        bool? on = null;
        foreach (var a in message.Attributes<netconfmsg>())
            if (a.Type == Rtnl.NETCONFA_FORWARDING) on = a.I32 != 0;
        return new Forwarding(on);
    }
}
