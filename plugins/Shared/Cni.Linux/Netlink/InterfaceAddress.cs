using System.Net;
using Cni.Linux.Net;

namespace Cni.Linux.Netlink;

/// <summary>IFA_F_* (linux/if_addr.h).</summary>
[Flags]
public enum AddressFlags : uint
{
    None = 0,
    Secondary = 0x01,
    NoDad = 0x02,
    Optimistic = 0x04,
    DadFailed = 0x08,
    HomeAddress = 0x10,
    Deprecated = 0x20,
    Tentative = 0x40,
    Permanent = 0x80,
    ManageTempAddr = 0x100,
    NoPrefixRoute = 0x200,
}

/// <summary>rt_scope_t (linux/rtnetlink.h), shared by addresses and routes.</summary>
public enum NetworkScope : byte
{
    Universe = 0,
    Site = 200,
    Link = 253,
    Host = 254,
    Nowhere = 255,
}

/// <summary>
/// An address on a link, as `ip addr` shows it: "10.1.0.5/16" keeps its host bits (<see cref="Cidr"/>).
/// For IPv4 a null <see cref="Broadcast"/> means "derive it" (last address of the prefix, for prefixes
/// shorter than /31), which is what the reference CNI plugins do.
/// </summary>
public sealed record InterfaceAddress(int LinkIndex, Cidr Cidr)
{
    public AddressFlags Flags { get; init; }
    public NetworkScope Scope { get; init; } = NetworkScope.Universe;
    public IPAddress? Broadcast { get; init; }
    /// <summary>IFA_LABEL (IPv4 only), e.g. "eth0:1"; null = the link's name.</summary>
    public string? Label { get; init; }
}
