namespace Cni.Sdk;

/// <summary>The result's <c>dns</c> object (resolv.conf material for the runtime).</summary>
public sealed class Dns
{
    public List<string> Nameservers { get; set; } = [];
    public string? Domain { get; set; }
    public List<string> Search { get; set; } = [];
    public List<string> Options { get; set; } = [];

    /// <summary>True when nothing is set; 1.x output then leaves <c>dns</c> out.</summary>
    public bool IsEmpty => Nameservers.Count == 0 && string.IsNullOrEmpty(Domain) && Search.Count == 0 && Options.Count == 0;

    public Dns Clone() => new() { Nameservers = [.. Nameservers], Domain = Domain, Search = [.. Search], Options = [.. Options] };
}
