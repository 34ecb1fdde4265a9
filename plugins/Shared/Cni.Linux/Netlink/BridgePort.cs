namespace Cni.Linux.Netlink;

/// <summary>
/// Per-port switches of a bridge port (IFLA_BRPORT_*), as `bridge link set dev X hairpin on isolated on`
/// sets them. Null leaves a setting unchanged.
/// </summary>
public sealed record BridgePortSettings
{
    /// <summary>Reflect frames back out of the port they came in on (IFLA_BRPORT_MODE hairpin).</summary>
    public bool? Hairpin { get; init; }
    /// <summary>Isolated ports cannot talk to each other, only to non-isolated ports (IFLA_BRPORT_ISOLATED).</summary>
    public bool? Isolated { get; init; }
    public bool? Learning { get; init; }
    public bool? UnicastFlood { get; init; }
}

/// <summary>
/// One VLAN (or range <see cref="Vid"/>..<see cref="RangeEnd"/>) on a bridge port, as `bridge vlan` shows it.
/// <see cref="Pvid"/>: untagged ingress frames get this VLAN; <see cref="Untagged"/>: egress frames leave untagged.
/// </summary>
public sealed record BridgeVlan(int LinkIndex, ushort Vid)
{
    public bool Pvid { get; init; }
    public bool Untagged { get; init; }
    public ushort? RangeEnd { get; init; }
}
