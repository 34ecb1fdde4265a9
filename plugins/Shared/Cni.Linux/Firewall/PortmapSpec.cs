using Cni.Linux.Net;

namespace Cni.Linux.Firewall;

/// <summary>
/// Everything one attachment's port mappings need, already validated by the plugin.
/// <see cref="ContainerAddresses"/> holds the container's address of each family with its prefix (the
/// prefix gives the hairpin subnet). Conditions are extra match tokens per family, in the backend's syntax.
/// </summary>
public sealed record PortmapSpec
{
    public required IReadOnlyList<PortmapEntry> Entries { get; init; }
    public required IReadOnlyList<Cidr> ContainerAddresses { get; init; }
    /// <summary>Masquerade hairpin (container subnet -> own published port) and localhost traffic.</summary>
    public bool Snat { get; init; } = true;
    /// <summary>Masquerade every DNATed connection, whatever its source.</summary>
    public bool MasqAll { get; init; }
    /// <summary>iptables only: the mark bit that asks POSTROUTING to masquerade (reference default 13).</summary>
    public int MarkMasqBit { get; init; } = 13;
    /// <summary>iptables only: jump here to mark for masquerade instead of our own MARK rule.</summary>
    public string? ExternalSetMarkChain { get; init; }
    public IReadOnlyList<string> ConditionsV4 { get; init; } = [];
    public IReadOnlyList<string> ConditionsV6 { get; init; } = [];

    public IReadOnlyList<string> ConditionsFor(bool ipv4) => ipv4 ? ConditionsV4 : ConditionsV6;

    /// <summary>The container address of one family, if any.</summary>
    public Cidr? AddressFor(bool ipv4) => ContainerAddresses.Cast<Cidr?>().FirstOrDefault(a => a!.Value.IsIPv4 == ipv4);
}
