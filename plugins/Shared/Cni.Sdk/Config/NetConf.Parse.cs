using System.Text.Json;

namespace Cni.Sdk;

public sealed partial class NetConf
{
    /// <summary>
    /// Parses stdin bytes. Bad JSON, a non-object or a wrongly typed common key is code 6. Name rules are the
    /// dispatcher's business (it checks them earlier, in the reference's order), so any name is accepted here.
    /// </summary>
    public static NetConf Parse(ReadOnlySpan<byte> stdin) => FromJson(ParseObject(stdin));

    /// <summary>Parses stdin into a detached root object; empty input, bad JSON and non-objects are code 6.</summary>
    public static JsonElement ParseObject(ReadOnlySpan<byte> stdin)
    {
        if (stdin.IsEmpty || stdin.Trim(" \t\r\n"u8).IsEmpty)
            throw new CniException(CniErrorCode.DecodingFailure, "error decoding network config: empty stdin");
        try
        {
            var root = CniJson.ParseDetached(stdin.ToArray());
            if (root.ValueKind != JsonValueKind.Object)
                throw new CniException(CniErrorCode.DecodingFailure,
                    $"error decoding network config: expected a JSON object, got {root.ValueKind}");
            return root;
        }
        catch (JsonException e)
        {
            throw new CniException(CniErrorCode.DecodingFailure, "error decoding network config: " + e.Message);
        }
    }

    /// <summary>The config version: a non-string is code 6; missing, null or "" means "0.1.0".</summary>
    public static string ReadVersion(JsonElement root)
    {
        var v = JsonRead.OptString(root, "cniVersion", "network config");
        return string.IsNullOrEmpty(v) ? "0.1.0" : v;
    }

    /// <summary>Builds the common view of an already-parsed plugin object.</summary>
    public static NetConf FromJson(JsonElement root)
    {
        const string where = "network config";
        var version = ReadVersion(root);
        return new NetConf
        {
            CniVersion = version,
            Name = JsonRead.OptString(root, "name", where) ?? "",
            Type = JsonRead.OptString(root, "type", where) ?? "",
            Capabilities = ReadCapabilities(root),
            Ipam = JsonRead.OptObject(root, "ipam", where) is { } ipam
                ? new IpamConfig { Type = JsonRead.OptString(ipam, "type", "ipam") ?? "", Raw = ipam }
                : null,
            Dns = JsonRead.OptObject(root, "dns", where) is { } dns ? ReadDnsConfig(dns) : null,
            IpMasq = JsonRead.OptBool(root, "ipMasq", where),
            RuntimeConfig = JsonRead.Opt(root, "runtimeConfig"),
            Args = JsonRead.Opt(root, "args"),
            PrevResult = JsonRead.Opt(root, "prevResult") is { } prev ? ResultJson.Decode(prev, version) : null,
            ValidAttachments = ReadAttachments(root),
            Raw = root,
        };
    }

    private static Dictionary<string, bool> ReadCapabilities(JsonElement root)
    {
        var caps = new Dictionary<string, bool>(StringComparer.Ordinal);
        if (JsonRead.Opt(root, "capabilities") is { ValueKind: JsonValueKind.Object } c)
            foreach (var p in c.EnumerateObject())
                if (p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False) caps[p.Name] = p.Value.GetBoolean();
        return caps;
    }

    private static DnsConfig ReadDnsConfig(JsonElement dns)
    {
        var d = ResultJson.ReadDns(dns, "dns");
        return new DnsConfig { Nameservers = d.Nameservers, Domain = d.Domain, Search = d.Search, Options = d.Options };
    }

    private static List<Attachment>? ReadAttachments(JsonElement root)
    {
        string key = root.TryGetProperty("cni.dev/valid-attachments", out var v) && v.ValueKind != JsonValueKind.Null
            ? "cni.dev/valid-attachments"
            : "cni.dev/attachments";
        if (JsonRead.Opt(root, key) is null) return null;
        return JsonRead.OptObjectArray(root, key, "network config")
            .Select(a => new Attachment(JsonRead.OptString(a, "containerID", key) ?? "", JsonRead.OptString(a, "ifname", key) ?? ""))
            .ToList();
    }
}
