using System.Net;
using System.Text.Json;
using Cni.Linux.Net;

namespace Cni.Sdk;

/// <summary>
/// Typed reads of optional keys from a JSON object. A wrong type or an unparsable address is a decoding
/// failure (code 6) naming the key, instead of a bare JsonException or a silent default.
/// </summary>
internal static class JsonRead
{
    public static CniException Bad(string where, string what)
        => new(CniErrorCode.DecodingFailure, $"{where}: {what}");

    /// <summary>The value under <paramref name="key"/>, or null when absent or JSON null.</summary>
    public static JsonElement? Opt(JsonElement obj, string key)
        => obj.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static JsonElement? OptObject(JsonElement obj, string key, string where)
    {
        var v = Opt(obj, key);
        if (v is { } e && e.ValueKind != JsonValueKind.Object) throw Bad(where, $"\"{key}\" must be an object");
        return v;
    }

    public static string? OptString(JsonElement obj, string key, string where)
    {
        var v = Opt(obj, key);
        if (v is not { } e) return null;
        if (e.ValueKind != JsonValueKind.String) throw Bad(where, $"\"{key}\" must be a string");
        return e.GetString();
    }

    public static bool OptBool(JsonElement obj, string key, string where)
    {
        var v = Opt(obj, key);
        if (v is not { } e) return false;
        if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Bad(where, $"\"{key}\" must be a boolean");
        return e.GetBoolean();
    }

    public static int? OptInt(JsonElement obj, string key, string where)
    {
        var v = Opt(obj, key);
        if (v is not { } e) return null;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int n)) throw Bad(where, $"\"{key}\" must be an integer");
        return n;
    }

    public static List<string> OptStringList(JsonElement obj, string key, string where)
    {
        var list = new List<string>();
        if (Opt(obj, key) is not { } e) return list;
        if (e.ValueKind != JsonValueKind.Array) throw Bad(where, $"\"{key}\" must be an array of strings");
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw Bad(where, $"\"{key}\" must be an array of strings");
            list.Add(item.GetString()!);
        }
        return list;
    }

    public static IEnumerable<JsonElement> OptObjectArray(JsonElement obj, string key, string where)
    {
        if (Opt(obj, key) is not { } e) return [];
        if (e.ValueKind != JsonValueKind.Array) throw Bad(where, $"\"{key}\" must be an array");
        var items = e.EnumerateArray().ToList();
        if (items.Any(i => i.ValueKind != JsonValueKind.Object)) throw Bad(where, $"\"{key}\" must hold objects");
        return items;
    }

    public static Cidr RequiredCidr(JsonElement obj, string key, string where)
    {
        var s = OptString(obj, key, where) ?? throw Bad(where, $"\"{key}\" is missing");
        return Cidr.TryParse(s, out var c) ? c : throw Bad(where, $"\"{key}\": invalid CIDR address \"{s}\"");
    }

    public static IPAddress? OptIp(JsonElement obj, string key, string where)
    {
        var s = OptString(obj, key, where);
        if (string.IsNullOrEmpty(s)) return null;
        return TryParseIp(s, out var ip) ? ip : throw Bad(where, $"\"{key}\": invalid IP address \"{s}\"");
    }

    /// <summary>
    /// Strict address syntax: .NET alone would accept "10.1" or "1" as IPv4 and zone ids on IPv6,
    /// which no CNI result can mean.
    /// </summary>
    public static bool TryParseIp(string s, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? ip)
    {
        ip = null;
        if (s.Contains('%')) return false;
        if (!s.Contains(':') && (s.Count(c => c == '.') != 3 || !s.All(c => c == '.' || char.IsAsciiDigit(c)))) return false;
        return IPAddress.TryParse(s, out ip);
    }
}
