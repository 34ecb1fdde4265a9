using System.Net;
using System.Net.Sockets;
using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>
/// A VXLAN device (`ip link add NAME type vxlan id VNI [local IP] [group IP | remote IP] [dstport PORT]
/// [dev PARENT] [nolearning] [ttl N]`). Group (multicast) and Remote (unicast) share one kernel attribute;
/// IPv4 and IPv6 addresses go to IFLA_VXLAN_GROUP/LOCAL or their *6 twins.
/// </summary>
public sealed class VxlanLink : LinkSpec
{
    public override string Kind => "vxlan";

    public required uint Vni { get; init; }
    public IPAddress? Local { get; init; }
    /// <summary>Multicast group for flooding (mutually exclusive with <see cref="Remote"/>).</summary>
    public IPAddress? Group { get; init; }
    /// <summary>Single unicast remote endpoint.</summary>
    public IPAddress? Remote { get; init; }
    /// <summary>UDP destination port; null keeps the kernel default (8472, the pre-IANA Linux port). 4789 is IANA's.</summary>
    public ushort? Port { get; init; }
    /// <summary>Underlay device index (IFLA_VXLAN_LINK).</summary>
    public int? DeviceIndex { get; init; }
    public bool? Learning { get; init; }
    public byte? Ttl { get; init; }

    internal override bool HasInfoData => true;

    internal override void WriteInfoData(ref NetlinkWriter writer)
    {
        if (Group != null && Remote != null) throw new ArgumentException($"vxlan {Name}: set Group or Remote, not both");
        writer.AttributeU32(Rtnl.IFLA_VXLAN_ID, Vni);
        if ((Group ?? Remote) is { } peer)
            writer.AttributeAddress(IsV6(peer) ? Rtnl.IFLA_VXLAN_GROUP6 : Rtnl.IFLA_VXLAN_GROUP, peer);
        if (Local != null) writer.AttributeAddress(IsV6(Local) ? Rtnl.IFLA_VXLAN_LOCAL6 : Rtnl.IFLA_VXLAN_LOCAL, Local);
        if (DeviceIndex is int dev) writer.AttributeU32(Rtnl.IFLA_VXLAN_LINK, (uint)dev);
        if (Ttl is byte ttl) writer.AttributeU8(Rtnl.IFLA_VXLAN_TTL, ttl);
        if (Learning is bool learning) writer.AttributeU8(Rtnl.IFLA_VXLAN_LEARNING, learning ? (byte)1 : (byte)0);
        // The port is the one attribute in network byte order.
        if (Port is ushort port) writer.AttributeU16BigEndian(Rtnl.IFLA_VXLAN_PORT, port);
    }

    internal static VxlanLink Decode(string name, AttributeReader data)
    {
        uint vni = 0;
        IPAddress? local = null, peer = null;
        ushort? port = null;
        int? dev = null;
        bool? learning = null;
        byte? ttl = null;
        foreach (var a in data)
        {
            switch (a.Type)
            {
                case Rtnl.IFLA_VXLAN_ID: vni = a.U32; break;
                case Rtnl.IFLA_VXLAN_GROUP or Rtnl.IFLA_VXLAN_GROUP6: peer = a.Address; break;
                case Rtnl.IFLA_VXLAN_LOCAL or Rtnl.IFLA_VXLAN_LOCAL6: local = a.Address; break;
                case Rtnl.IFLA_VXLAN_LINK: dev = (int)a.U32; break;
                case Rtnl.IFLA_VXLAN_TTL: ttl = a.U8; break;
                case Rtnl.IFLA_VXLAN_LEARNING: learning = a.U8 != 0; break;
                case Rtnl.IFLA_VXLAN_PORT: port = a.U16BigEndian; break;
            }
        }
        bool multicast = peer != null && (IsV6(peer) ? peer.IsIPv6Multicast : (peer.GetAddressBytes()[0] & 0xF0) == 0xE0);
        return new VxlanLink
        {
            Name = name, Vni = vni, Local = local, Port = port, DeviceIndex = dev, Learning = learning, Ttl = ttl,
            Group = multicast ? peer : null,
            Remote = multicast ? null : peer,
        };
    }

    private static bool IsV6(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetworkV6;
}
