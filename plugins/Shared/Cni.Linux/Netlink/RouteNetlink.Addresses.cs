using System.Net.Sockets;
using Cni.Linux.Interop;
using Cni.Linux.Net;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

public sealed partial class RouteNetlink
{
    /// <summary>`ip addr add CIDR dev X [nodad] [noprefixroute] [scope S]`; EEXIST if already present.</summary>
    public void AddAddress(InterfaceAddress address)
        => ModifyAddress(Rtnl.RTM_NEWADDR, NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_EXCL, address, "add");

    /// <summary>`ip addr replace CIDR dev X ...`: adds, or updates flags/lifetimes of an existing address.</summary>
    public void ReplaceAddress(InterfaceAddress address)
        => ModifyAddress(Rtnl.RTM_NEWADDR, NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_REPLACE, address, "replace");

    /// <summary>`ip addr del CIDR dev X`; EADDRNOTAVAIL if it is not there.</summary>
    public void DeleteAddress(InterfaceAddress address)
        => ModifyAddress(Rtnl.RTM_DELADDR, 0, address, "del");

    /// <summary>`ip addr show [dev X]` limited to a family (Unspecified = both).</summary>
    public List<InterfaceAddress> ListAddresses(int? linkIndex = null, AddressFamily family = AddressFamily.Unspecified)
    {
        var w = new NetlinkWriter(Rtnl.RTM_GETADDR, NetlinkConst.NLM_F_DUMP);
        try
        {
            // With strict checking the kernel filters by ifa_index itself; the check below is belt and braces.
            w.Write(new ifaddrmsg { ifa_family = ToKernelFamily(family), ifa_index = (uint)(linkIndex ?? 0) });
            var all = _socket.Query(ref w, "RTM_GETADDR dump", DecodeAddress);
            all.RemoveAll(a => (linkIndex.HasValue && a.LinkIndex != linkIndex) ||
                               (family != AddressFamily.Unspecified && a.Cidr.Family != family));
            return all;
        }
        finally { w.Dispose(); }
    }

    private void ModifyAddress(ushort type, ushort flags, InterfaceAddress address, string verb)
    {
        var w = EncodeAddress(type, flags, address);
        try { _socket.Request(ref w, $"{Name(type)} {address.Cidr} dev {address.LinkIndex} ({verb})"); }
        finally { w.Dispose(); }
    }

    internal static NetlinkWriter EncodeAddress(ushort type, ushort flags, InterfaceAddress address)
    {
        var cidr = address.Cidr;
        var w = new NetlinkWriter(type, flags);
        w.Write(new ifaddrmsg
        {
            ifa_family = ToKernelFamily(cidr.Family),
            ifa_prefixlen = (byte)cidr.PrefixLength,
            ifa_flags = (byte)((uint)address.Flags & 0xff),
            ifa_scope = (byte)address.Scope,
            ifa_index = (uint)address.LinkIndex,
        });
        // IFA_LOCAL is the address itself; IFA_ADDRESS is the peer on point-to-point links and the same
        // address otherwise (what `ip addr add` sends).
        w.AttributeAddress(Rtnl.IFA_LOCAL, cidr.Address);
        w.AttributeAddress(Rtnl.IFA_ADDRESS, cidr.Address);
        if (type == Rtnl.RTM_NEWADDR && cidr.IsIPv4)
        {
            if (address.Broadcast != null) w.AttributeAddress(Rtnl.IFA_BROADCAST, address.Broadcast);
            else if (cidr.PrefixLength < 31) w.AttributeAddress(Rtnl.IFA_BROADCAST, IpMath.LastAddress(cidr));
            if (address.Label != null) w.AttributeString(Rtnl.IFA_LABEL, address.Label);
        }
        // ifa_flags has only 8 bits; IFA_FLAGS carries all 32 (NOPREFIXROUTE is 0x200).
        if (address.Flags != AddressFlags.None) w.AttributeU32(Rtnl.IFA_FLAGS, (uint)address.Flags);
        return w;
    }

    internal static InterfaceAddress? DecodeAddress(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWADDR) return null;
        var header = message.Read<ifaddrmsg>();
        System.Net.IPAddress? local = null, address = null, broadcast = null;
        string? label = null;
        var flags = (AddressFlags)header.ifa_flags;
        foreach (var a in message.Attributes<ifaddrmsg>())
        {
            switch (a.Type)
            {
                case Rtnl.IFA_LOCAL: local = a.Address; break;
                case Rtnl.IFA_ADDRESS: address = a.Address; break;
                case Rtnl.IFA_BROADCAST: broadcast = a.Address; break;
                case Rtnl.IFA_LABEL: label = a.String; break;
                case Rtnl.IFA_FLAGS: flags = (AddressFlags)a.U32; break;
            }
        }
        var ip = local ?? address;
        if (ip == null) return null;
        return new InterfaceAddress((int)header.ifa_index, new Cidr(ip, header.ifa_prefixlen))
        {
            Flags = flags, Scope = (NetworkScope)header.ifa_scope, Broadcast = broadcast, Label = label,
        };
    }

    internal static byte ToKernelFamily(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => 2,
        AddressFamily.InterNetworkV6 => 10,
        AddressFamily.Unspecified => 0,
        _ => throw new ArgumentException($"unsupported address family {family}"),
    };

    private static string Name(ushort type) => type switch
    {
        Rtnl.RTM_NEWADDR => "RTM_NEWADDR", Rtnl.RTM_DELADDR => "RTM_DELADDR",
        Rtnl.RTM_NEWROUTE => "RTM_NEWROUTE", Rtnl.RTM_DELROUTE => "RTM_DELROUTE",
        Rtnl.RTM_NEWNEIGH => "RTM_NEWNEIGH", Rtnl.RTM_DELNEIGH => "RTM_DELNEIGH",
        _ => "RTM " + type,
    };
}
