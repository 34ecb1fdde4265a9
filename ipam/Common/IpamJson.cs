using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cni.Linux.Net;
using Cni.Sdk;

namespace Cni.Ipam;

/// <summary>
/// Typed reads of IPAM config keys. Every failure is "invalid network config" (7) and names the key's path
/// (<c>ipam.ranges[0][1].subnet</c>), so an operator can find the line to fix.
/// </summary>
internal static class IpamJson
{
    public static CniException Invalid(string path, string what) => new(CniErrorCode.InvalidNetworkConfig, $"{path}: {what}");

    public static JsonElement? Opt(JsonElement obj, string key)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static string? OptString(JsonElement obj, string key, string path)
    {
        if (Opt(obj, key) is not { } v) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Invalid(path, "must be a string");
    }

    public static IEnumerable<JsonElement> OptArray(JsonElement obj, string key, string path)
    {
        if (Opt(obj, key) is not { } v) return [];
        return v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : throw Invalid(path, "must be an array");
    }

    public static void RequireObject(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Invalid(path, "must be an object");
    }

    /// <summary>A plain address ("10.1.2.3" or "fd00::3"); zone ids and IPv4-mapped forms are refused.</summary>
    public static IPAddress ParseIp(string s, string path)
    {
        if (!s.Contains('%') && IPAddress.TryParse(s, out var ip) && !ip.IsIPv4MappedToIPv6
            && ip.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            && (s.Contains(':') || s.Count(c => c == '.') == 3))
            return ip;
        throw Invalid(path, $"invalid IP address \"{s}\"");
    }

    public static IPAddress? OptIp(JsonElement obj, string key, string path)
        => OptString(obj, key, path) is { Length: > 0 } s ? ParseIp(s, path) : null;

    public static Cidr ParseCidr(string s, string path)
        => Cidr.TryParse(s, out var c) ? c : throw Invalid(path, $"invalid CIDR address \"{s}\"");

    /// <summary>"10.1.2.3" or "10.1.2.3/24": the address a runtime asks for; any prefix is ignored.</summary>
    public static IPAddress ParseIpMaybeCidr(string s, string path)
        => s.Contains('/') ? ParseCidr(s, path).Address : ParseIp(s, path);

    /// <summary>The config's routes: <c>dst</c> required, <c>gw</c> and the 1.1 extras optional.</summary>
    public static List<Route> ParseRoutes(JsonElement ipam, string path)
    {
        var routes = new List<Route>();
        int i = 0;
        foreach (var r in OptArray(ipam, "routes", path))
        {
            var p = $"{path}[{i++}]";
            RequireObject(r, p);
            var dst = OptString(r, "dst", p + ".dst") ?? throw Invalid(p + ".dst", "is required");
            routes.Add(new Route
            {
                Dst = ParseCidr(dst, p + ".dst"),
                Gw = OptIp(r, "gw", p + ".gw"),
                Mtu = OptInt(r, "mtu", p + ".mtu"),
                AdvMss = OptInt(r, "advmss", p + ".advmss"),
                Priority = OptInt(r, "priority", p + ".priority"),
                Table = OptInt(r, "table", p + ".table"),
                Scope = OptInt(r, "scope", p + ".scope"),
            });
        }
        return routes;
    }

    public static int? OptInt(JsonElement obj, string key, string path)
    {
        if (Opt(obj, key) is not { } v) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : throw Invalid(path, "must be an integer");
    }

    /// <summary>IPs requested through <c>args.cni.ips</c> (CONVENTIONS.md), as the raw strings.</summary>
    public static List<(string Value, string Path)> ArgsCniIps(JsonElement root)
    {
        var list = new List<(string, string)>();
        if (Opt(root, "args") is not { ValueKind: JsonValueKind.Object } args) return list;
        if (Opt(args, "cni") is not { ValueKind: JsonValueKind.Object } cni) return list;
        int i = 0;
        foreach (var e in OptArray(cni, "ips", "args.cni.ips"))
        {
            var p = $"args.cni.ips[{i++}]";
            list.Add((e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Invalid(p, "must be a string"), p));
        }
        return list;
    }

    /// <summary>IPs requested through <c>runtimeConfig.ips</c> (capability <c>ips</c>).</summary>
    public static List<(string Value, string Path)> RuntimeConfigIps(JsonElement root)
    {
        var list = new List<(string, string)>();
        if (Opt(root, "runtimeConfig") is not { ValueKind: JsonValueKind.Object } rc) return list;
        int i = 0;
        foreach (var e in OptArray(rc, "ips", "runtimeConfig.ips"))
        {
            var p = $"runtimeConfig.ips[{i++}]";
            list.Add((e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Invalid(p, "must be a string"), p));
        }
        return list;
    }
}
