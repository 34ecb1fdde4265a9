using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cni.Linux.Firewall;
using Cni.Linux.Net;
using Cni.Sdk;

namespace Cni.Plugins.Portmap;

/// <summary>
/// The portmap plugin's keys (reference section 1.6) and the mappings from <c>runtimeConfig.portMappings</c>,
/// validated before any side effect. Wrong JSON types: 6; bad values: 7. Unlike the reference, ports must be
/// 1..65535, the protocol must be tcp, udp or sctp (any case), and a hostIP must parse.
/// </summary>
public sealed class PortmapConfig
{
    public const int DefaultMarkMasqBit = 13;

    public required NetConf Net { get; init; }
    public required string Backend { get; init; }
    public bool Snat { get; init; } = true;
    public bool MasqAll { get; init; }
    public int MarkMasqBit { get; init; } = DefaultMarkMasqBit;
    public string? ExternalSetMarkChain { get; init; }
    public IReadOnlyList<string> ConditionsV4 { get; init; } = [];
    public IReadOnlyList<string> ConditionsV6 { get; init; } = [];
    public IReadOnlyList<PortMapping> Mappings { get; init; } = [];

    /// <summary>Everything ADD and CHECK need.</summary>
    public static PortmapConfig Load(CmdArgs args)
    {
        var root = args.Config.Raw;
        bool? snat = Bool(root, "snat"), masqAll = Bool(root, "masqAll");
        int? markBit = Int(root, "markMasqBit");
        string? external = Str(root, "externalSetMarkChain");
        var v4 = Strings(root, "conditionsV4");
        var v6 = Strings(root, "conditionsV6");
        if (markBit is < 0 or > 31) Invalid($"markMasqBit {markBit} is not between 0 and 31");
        if (markBit != null && external != null) Invalid("markMasqBit and externalSetMarkChain are mutually exclusive");
        if (external is { Length: 0 }) Invalid("externalSetMarkChain must not be empty");
        return new PortmapConfig
        {
            Net = args.Config,
            Backend = ChooseBackend(Str(root, "backend"), markBit != null || external != null, v4.Concat(v6).ToList()),
            Snat = snat ?? true,
            MasqAll = masqAll ?? false,
            MarkMasqBit = markBit ?? DefaultMarkMasqBit,
            ExternalSetMarkChain = external,
            ConditionsV4 = v4,
            ConditionsV6 = v6,
            Mappings = ReadMappings(args.Config.RuntimeConfig),
        };
    }

    /// <summary>
    /// Only what DEL and GC need: the backend. They must work when the rest no longer validates (a runtime
    /// may send DEL without runtimeConfig, or with a config edited since ADD), so nothing else is read.
    /// </summary>
    public static string LoadBackend(CmdArgs args)
    {
        var root = args.Config.Raw;
        bool iptablesOnly = root.TryGetProperty("markMasqBit", out var m) && m.ValueKind != JsonValueKind.Null
                            || root.TryGetProperty("externalSetMarkChain", out var x) && x.ValueKind != JsonValueKind.Null;
        var conditions = new List<string>();
        foreach (var key in new[] { "conditionsV4", "conditionsV6" })
            if (root.TryGetProperty(key, out var c) && c.ValueKind == JsonValueKind.Array)
                conditions.AddRange(c.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
        return ChooseBackend(Str(root, "backend"), iptablesOnly, conditions);
    }

    /// <summary>
    /// Explicit <c>backend</c> wins, and options of the other backend are then an error (as in the reference).
    /// Otherwise: iptables-only options or iptables-syntax conditions (first token starting with '-' or '!')
    /// pick iptables, nft-syntax conditions pick nftables, and with neither the shared rule applies: nftables
    /// unless legacy iptables already owns NAT in this namespace (Firewall/README.md).
    /// </summary>
    private static string ChooseBackend(string? backend, bool iptablesOptions, IReadOnlyList<string> conditions)
    {
        bool? iptablesSyntax = conditions.Count == 0 ? null : conditions[0].TrimStart() is { Length: > 0 } f && (f[0] == '-' || f[0] == '!');
        switch (backend)
        {
            case PortmapFirewall.Nftables:
                if (iptablesOptions) Invalid("markMasqBit and externalSetMarkChain are only supported by the iptables backend");
                if (iptablesSyntax == true) Invalid("conditions in iptables syntax need backend \"iptables\"");
                return backend;
            case PortmapFirewall.Iptables:
                if (iptablesSyntax == false) Invalid("conditions in nftables syntax need backend \"nftables\"");
                return backend;
            case null or "":
                if (iptablesOptions || iptablesSyntax == true) return PortmapFirewall.Iptables;
                if (iptablesSyntax == false) return PortmapFirewall.Nftables;
                string auto;
                using (var probe = Firewalls.Create(null)) auto = probe.Backend;
                return auto == Firewalls.Iptables ? PortmapFirewall.Iptables : PortmapFirewall.Nftables;
            default:
                Invalid($"unknown backend \"{backend}\" (expected \"nftables\" or \"iptables\")");
                return "";
        }
    }

    private static List<PortMapping> ReadMappings(JsonElement? runtimeConfig)
    {
        var list = new List<PortMapping>();
        if (runtimeConfig is not { ValueKind: JsonValueKind.Object } rc) return list;
        if (!rc.TryGetProperty("portMappings", out var pm) || pm.ValueKind == JsonValueKind.Null) return list;
        if (pm.ValueKind != JsonValueKind.Array) Bad("runtimeConfig.portMappings", "an array");
        int i = 0;
        foreach (var m in pm.EnumerateArray())
        {
            string where = $"runtimeConfig.portMappings[{i++}]";
            if (m.ValueKind != JsonValueKind.Object) Bad(where, "an object");
            int host = Int(m, "hostPort", where) ?? 0, container = Int(m, "containerPort", where) ?? 0;
            if (host is < 1 or > 65535) Invalid($"{where}: invalid hostPort {host}");
            if (container is < 1 or > 65535) Invalid($"{where}: invalid containerPort {container}");
            string protocol = (Str(m, "protocol", where) ?? "").ToLowerInvariant();
            if (protocol.Length == 0) protocol = "tcp";
            if (protocol is not ("tcp" or "udp" or "sctp")) Invalid($"{where}: unsupported protocol \"{protocol}\" (tcp, udp or sctp)");
            IPAddress? hostIp = null;
            if (Str(m, "hostIP", where) is { Length: > 0 } h)
            {
                if (!IPAddress.TryParse(h, out hostIp)) Invalid($"{where}: invalid hostIP \"{h}\"");
                if (hostIp.Equals(IPAddress.Any) || hostIp.Equals(IPAddress.IPv6Any)) hostIp = null; // "any" is the same as none
            }
            list.Add(new PortMapping(protocol, host, container, hostIp));
        }
        return list;
    }

    /// <summary>
    /// The container's first address of each family in prevResult: on an interface named CNI_IFNAME that sits in
    /// a sandbox, or with no interface index at all (the reference's rule).
    /// </summary>
    public static List<Cidr> ContainerAddresses(Result prev, string ifName)
    {
        var found = new List<Cidr>();
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            var ip = prev.Ips.FirstOrDefault(ip => ip.Address.Family == family && (ip.Interface is not { } idx
                || idx >= 0 && idx < prev.Interfaces.Count && prev.Interfaces[idx].Name == ifName && !string.IsNullOrEmpty(prev.Interfaces[idx].Sandbox)));
            if (ip != null) found.Add(ip.Address);
        }
        return found;
    }

    private static bool? Bool(JsonElement o, string key)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) Bad(key, "a boolean");
        return v.GetBoolean();
    }

    private static int? Int(JsonElement o, string key, string? where = null)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n)) { Bad(Where(where, key), "an integer"); return null; }
        return n;
    }

    private static string? Str(JsonElement o, string key, string? where = null)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) Bad(Where(where, key), "a string");
        return v.GetString();
    }

    private static List<string> Strings(JsonElement o, string key)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String)) Bad(key, "an array of strings");
        return v.EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private static string Where(string? where, string key) => where == null ? key : $"{where}.{key}";

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Bad(string where, string expected)
        => throw new CniException(CniErrorCode.DecodingFailure, $"portmap config: \"{where}\" must be {expected}");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Invalid(string msg) => throw new CniException(CniErrorCode.InvalidNetworkConfig, "portmap: " + msg);
}
