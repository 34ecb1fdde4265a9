using System.Net;
using System.Text.Json;
using Cni.Linux.Net;
using Cni.Sdk;
using Dns = Cni.Sdk.Dns;

namespace Cni.Ipam.Static;

/// <summary>
/// static's <c>ipam</c> keys: <c>addresses</c> (<c>address</c> CIDR with host bits, optional <c>gateway</c>),
/// <c>routes</c>, <c>dns</c>. CNI_ARGS <c>IP</c> (comma-separated CIDRs) is appended and <c>GATEWAY</c> attached
/// to the address whose subnet holds it; <c>args.cni.ips</c>, then <c>runtimeConfig.ips</c>, replace the list.
/// </summary>
public sealed class StaticConfig
{
    public required IReadOnlyList<(Cidr Address, IPAddress? Gateway)> Addresses { get; init; }
    public IReadOnlyList<Route> Routes { get; init; } = [];
    public Dns Dns { get; init; } = new();

    public static StaticConfig Parse(JsonElement root, string cniVersion, IReadOnlyDictionary<string, string> cniArgs)
    {
        if (IpamJson.Opt(root, "ipam") is not { ValueKind: JsonValueKind.Object } ipam)
            throw IpamJson.Invalid("ipam", "IPAM config missing 'ipam' key");
        var list = new List<(Cidr, IPAddress?)>();
        int i = 0;
        foreach (var a in IpamJson.OptArray(ipam, "addresses", "ipam.addresses"))
        {
            var p = $"ipam.addresses[{i++}]";
            IpamJson.RequireObject(a, p);
            var s = IpamJson.OptString(a, "address", p + ".address") ?? throw IpamJson.Invalid(p + ".address", "is required");
            list.Add((IpamJson.ParseCidr(s, p + ".address"), IpamJson.OptIp(a, "gateway", p + ".gateway")));
        }
        if (cniArgs.TryGetValue("IP", out var ips) && ips.Length > 0)
            foreach (var item in ips.Split(','))
                list.Add((IpamJson.ParseCidr(item.Trim(), "CNI_ARGS IP"), null));
        if (cniArgs.TryGetValue("GATEWAY", out var gws) && gws.Length > 0)
            foreach (var item in gws.Split(','))
            {
                var gw = IpamJson.ParseIp(item.Trim(), "CNI_ARGS GATEWAY");
                for (int k = 0; k < list.Count; k++)
                    if (list[k].Item1.Contains(gw)) list[k] = (list[k].Item1, gw);
            }
        if (IpamJson.ArgsCniIps(root) is { Count: > 0 } argIps) list = argIps.Select(x => (IpamJson.ParseCidr(x.Value, x.Path), (IPAddress?)null)).ToList();
        if (IpamJson.RuntimeConfigIps(root) is { Count: > 0 } rcIps) list = rcIps.Select(x => (IpamJson.ParseCidr(x.Value, x.Path), (IPAddress?)null)).ToList();

        int v4 = list.Count(x => x.Item1.IsIPv4), v6 = list.Count - v4;
        if ((v4 > 1 || v6 > 1) && !CniVersions.AtLeast(cniVersion, "0.3.0"))
            throw IpamJson.Invalid("cniVersion", $"CNI version {cniVersion} does not support more than 1 address per family");
        return new StaticConfig { Addresses = list, Routes = IpamJson.ParseRoutes(ipam, "ipam.routes"), Dns = ParseDns(ipam) };
    }

    private static Dns ParseDns(JsonElement ipam)
    {
        var dns = new Dns();
        if (IpamJson.Opt(ipam, "dns") is not { } d) return dns;
        IpamJson.RequireObject(d, "ipam.dns");
        dns.Nameservers.AddRange(Strings(d, "nameservers"));
        dns.Domain = IpamJson.OptString(d, "domain", "ipam.dns.domain");
        dns.Search.AddRange(Strings(d, "search"));
        dns.Options.AddRange(Strings(d, "options"));
        return dns;
    }

    private static IEnumerable<string> Strings(JsonElement obj, string key)
        => IpamJson.OptArray(obj, key, "ipam.dns." + key).Select(e => e.ValueKind == JsonValueKind.String
            ? e.GetString()! : throw IpamJson.Invalid("ipam.dns." + key, "must be an array of strings"));
}
