namespace Cni.Sdk;

/// <summary>
/// A plugin's ADD result, always held in the newest (1.1.0) shape and converted once, when printed,
/// by <see cref="ResultJson.Encode"/>. Plugins mutate it freely (chained plugins edit a prevResult).
/// IPAM results simply leave <see cref="Interfaces"/> empty and every <see cref="IpConfig.Interface"/> null.
/// </summary>
public sealed class Result
{
    /// <summary>Informational: the model's version. The printed version is chosen by the caller of Encode.</summary>
    public string CniVersion { get; set; } = CniVersions.Current;
    public List<Interface> Interfaces { get; set; } = [];
    public List<IpConfig> Ips { get; set; } = [];
    public List<Route> Routes { get; set; } = [];
    public Dns Dns { get; set; } = new();

    /// <summary>A deep copy, so a plugin can edit a prevResult without aliasing the original.</summary>
    public Result Clone() => new()
    {
        CniVersion = CniVersion,
        Interfaces = Interfaces.Select(i => i.Clone()).ToList(),
        Ips = Ips.Select(i => i.Clone()).ToList(),
        Routes = Routes.Select(r => r.Clone()).ToList(),
        Dns = Dns.Clone(),
    };
}
