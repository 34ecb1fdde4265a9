using System.Net;
using System.Net.NetworkInformation;

namespace Cni.Linux.Netlink;

/// <summary>NUD_* (linux/neighbour.h).</summary>
[Flags]
public enum NeighborState : ushort
{
    None = 0,
    Incomplete = 0x01,
    Reachable = 0x02,
    Stale = 0x04,
    Delay = 0x08,
    Probe = 0x10,
    Failed = 0x20,
    NoArp = 0x40,
    Permanent = 0x80,
}

/// <summary>NTF_* (linux/neighbour.h): for FDB entries, Self = the device's own table, Master = its bridge's.</summary>
[Flags]
public enum NeighborFlags : byte
{
    None = 0,
    Use = 0x01,
    Self = 0x02,
    Master = 0x04,
    Proxy = 0x08,
    ExtLearned = 0x10,
    Offloaded = 0x20,
    Sticky = 0x40,
    Router = 0x80,
}

/// <summary>An ARP/NDP neighbour entry, as `ip neigh` shows it.</summary>
public sealed record Neighbor(int LinkIndex, IPAddress Address)
{
    public PhysicalAddress? Mac { get; init; }
    public NeighborState State { get; init; } = NeighborState.Permanent;
    public NeighborFlags Flags { get; init; }
}

/// <summary>
/// A bridge forwarding-database entry, as `bridge fdb` shows it. On a VXLAN device, <see cref="Destination"/>
/// is the remote VTEP (NDA_DST); an all-zero MAC with a destination is a flooding entry.
/// </summary>
public sealed record FdbEntry(int LinkIndex, PhysicalAddress Mac)
{
    public IPAddress? Destination { get; init; }
    public ushort? Vlan { get; init; }
    public NeighborFlags Flags { get; init; } = NeighborFlags.Self;
    public NeighborState State { get; init; } = NeighborState.Permanent;
    /// <summary>NDA_MASTER in dumps: the bridge the port belongs to.</summary>
    public int? MasterIndex { get; init; }
}
