namespace Cni.Sdk;

/// <summary>
/// The config's <c>dns</c> object. Same keys as the result's; a plugin copies it over the IPAM DNS
/// (bridge's rule: configured DNS wins) with <see cref="ToResult"/>.
/// </summary>
public sealed class DnsConfig
{
    public IReadOnlyList<string> Nameservers { get; init; } = [];
    public string? Domain { get; init; }
    public IReadOnlyList<string> Search { get; init; } = [];
    public IReadOnlyList<string> Options { get; init; } = [];

    public bool IsEmpty => Nameservers.Count == 0 && string.IsNullOrEmpty(Domain) && Search.Count == 0 && Options.Count == 0;

    public Dns ToResult() => new() { Nameservers = [.. Nameservers], Domain = Domain, Search = [.. Search], Options = [.. Options] };
}
