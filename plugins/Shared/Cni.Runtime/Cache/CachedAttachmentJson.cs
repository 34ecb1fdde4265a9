using System.Text.Json;

namespace Cni.Runtime;

/// <summary>
/// The cniCacheV1 JSON: kind, containerId, config (base64), ifName, networkName, then netns, cniArgs,
/// capabilityArgs and result, each left out when empty (Go's omitempty), as libcni writes it.
/// </summary>
internal static class CachedAttachmentJson
{
    public static byte[] Encode(CachedAttachment a) => RuntimeJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", ResultCache.Kind);
        w.WriteString("containerId", a.ContainerId);
        w.WriteBase64String("config", a.Config);
        w.WriteString("ifName", a.IfName);
        w.WriteString("networkName", a.NetworkName);
        if (a.NetNs.Length > 0) w.WriteString("netns", a.NetNs);
        if (a.CniArgs.Count > 0)
        {
            w.WriteStartArray("cniArgs");
            foreach (var (k, v) in a.CniArgs)
            {
                w.WriteStartArray();
                w.WriteStringValue(k);
                w.WriteStringValue(v);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        if (a.CapabilityArgs.Count > 0)
        {
            w.WriteStartObject("capabilityArgs");
            foreach (var (k, v) in a.CapabilityArgs)
            {
                w.WritePropertyName(k);
                v.WriteTo(w);
            }
            w.WriteEndObject();
        }
        if (a.Result is { } r)
        {
            w.WritePropertyName("result");
            r.WriteTo(w);
        }
        w.WriteEndObject();
    });

    /// <summary>
    /// Decodes a cniCacheV1 record; null when the bytes are not JSON (root = default) or another kind (root set).
    /// Field types that do not match are treated as "not a record" rather than crashing a GC walk.
    /// </summary>
    public static CachedAttachment? TryDecode(byte[] bytes, out JsonElement? root)
    {
        root = null;
        JsonElement e;
        try
        {
            e = RuntimeJson.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
        root = e;
        if (e.ValueKind != JsonValueKind.Object || Str(e, "kind") != ResultCache.Kind) return null;
        try
        {
            return new CachedAttachment
            {
                ContainerId = Str(e, "containerId") ?? "",
                NetworkName = Str(e, "networkName") ?? "",
                IfName = Str(e, "ifName") ?? "",
                Config = e.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.String ? c.GetBytesFromBase64() : [],
                NetNs = Str(e, "netns") ?? "",
                CniArgs = ReadArgs(e),
                CapabilityArgs = ReadCaps(e),
                Result = e.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.Object ? r : null,
            };
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? Str(JsonElement e, string key)
        => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<KeyValuePair<string, string>> ReadArgs(JsonElement e)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (!e.TryGetProperty("cniArgs", out var a) || a.ValueKind != JsonValueKind.Array) return list;
        foreach (var pair in a.EnumerateArray())
        {
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2) continue;
            if (pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String) continue;
            list.Add(new(pair[0].GetString()!, pair[1].GetString()!));
        }
        return list;
    }

    private static Dictionary<string, JsonElement> ReadCaps(JsonElement e)
    {
        var caps = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (e.TryGetProperty("capabilityArgs", out var c) && c.ValueKind == JsonValueKind.Object)
            foreach (var p in c.EnumerateObject()) caps[p.Name] = p.Value;
        return caps;
    }
}
