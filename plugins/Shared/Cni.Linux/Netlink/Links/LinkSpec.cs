using System.Net.NetworkInformation;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>
/// What to create with <see cref="RouteNetlink.CreateLink"/>: the common attributes here, the kind and its
/// IFLA_INFO_DATA in one subclass per kind (VethLink, BridgeLink, MacvlanLink, IpvlanLink, VxlanLink,
/// DummyLink). The same classes come back in <see cref="Link.Info"/> when a dump is decoded.
/// </summary>
public abstract class LinkSpec
{
    public required string Name { get; init; }
    public int? Mtu { get; init; }
    public PhysicalAddress? Mac { get; init; }

    /// <summary>IFLA_INFO_KIND.</summary>
    public abstract string Kind { get; }

    /// <summary>Top-level attributes a kind needs besides the common ones (IFLA_LINK for a parent).</summary>
    internal virtual void WriteLinkAttributes(ref NetlinkWriter writer) { }

    /// <summary>Whether <see cref="WriteInfoData"/> writes anything (an empty IFLA_INFO_DATA is not sent).</summary>
    internal virtual bool HasInfoData => false;

    /// <summary>The kind's attributes inside IFLA_INFO_DATA.</summary>
    internal virtual void WriteInfoData(ref NetlinkWriter writer) { }
}
