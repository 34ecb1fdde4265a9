using System.Net.NetworkInformation;
using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;
using Cni.Linux.Netns;

namespace Cni.Linux.Netlink;

/// <summary>
/// A veth pair (`ip link add NAME type veth peer name PEER netns NS`). The peer is described by a whole
/// nested ifinfomsg inside VETH_INFO_PEER; with <see cref="PeerNetNs"/> it is created directly in that
/// namespace (IFLA_NET_NS_FD), so it never exists, even briefly, under its name in ours.
/// </summary>
public sealed class VethLink : LinkSpec
{
    public override string Kind => "veth";

    /// <summary>The peer's name; required when creating, null when decoded (the kernel does not report it).</summary>
    public string? PeerName { get; init; }
    public int? PeerMtu { get; init; }
    public PhysicalAddress? PeerMac { get; init; }
    /// <summary>Namespace to create the peer in; null keeps it in the socket's namespace.</summary>
    public NetNs? PeerNetNs { get; init; }

    internal override bool HasInfoData => true;

    internal override void WriteInfoData(ref NetlinkWriter writer)
    {
        if (string.IsNullOrEmpty(PeerName)) throw new ArgumentException($"veth {Name}: PeerName is required");
        using var peer = writer.Nest(Rtnl.VETH_INFO_PEER);
        writer.Write(new ifinfomsg());
        writer.AttributeString(Rtnl.IFLA_IFNAME, PeerName);
        if (PeerMtu is int mtu) writer.AttributeU32(Rtnl.IFLA_MTU, (uint)mtu);
        if (PeerMac != null) writer.AttributeMac(Rtnl.IFLA_ADDRESS, PeerMac);
        // The fd only has to stay open until the kernel has parsed this request; the caller holds PeerNetNs.
        if (PeerNetNs != null) writer.AttributeU32(Rtnl.IFLA_NET_NS_FD, (uint)PeerNetNs.Handle.Fd);
    }
}
