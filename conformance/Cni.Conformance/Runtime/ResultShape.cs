using System.Net;
using System.Text.Json;

namespace Cni.Conformance.Runtime;

/// <summary>
/// What a result must look like in each spec version (digest §3.1), written as a list of problems so
/// a check can report all of them at once. Strict on purpose: runtimes are lenient, a runner must not be.
/// </summary>
public static class ResultShape
{
    /// <summary>Problems with <paramref name="r"/> as a result of <paramref name="version"/>; ipam = delegated result.</summary>
    public static List<string> Problems(JsonElement r, string version, bool ipam)
    {
        var p = new List<string>();
        if (r.ValueKind != JsonValueKind.Object) { p.Add("result is not a JSON object"); return p; }
        if (!r.TryGetProperty("cniVersion", out var cv) || cv.ValueKind != JsonValueKind.String)
            p.Add("result has no string cniVersion");
        else if (cv.GetString() != version)
            p.Add($"result cniVersion is \"{cv.GetString()}\", config asked for \"{version}\"");

        if (SpecVersion.Family(version) == 0)
        {
            foreach (var key in new[] { "interfaces", "ips", "routes" })
                if (r.TryGetProperty(key, out _)) p.Add($"a {version} result must not have \"{key}\" (0.1/0.2 use ip4/ip6)");
            var any = false;
            foreach (var fam in new[] { "ip4", "ip6" })
            {
                if (!r.TryGetProperty(fam, out var ipc)) continue;
                any = true;
                if (!ipc.TryGetProperty("ip", out var ip) || ip.ValueKind != JsonValueKind.String || !IsCidr(ip.GetString()!))
                    p.Add($"{fam}.ip is missing or not a CIDR");
            }
            if (!any) p.Add($"a {version} result needs ip4 or ip6");
            return p;
        }

        if (r.TryGetProperty("ip4", out _) || r.TryGetProperty("ip6", out _)) p.Add($"a {version} result must not have ip4/ip6");
        var ifCount = 0;
        if (r.TryGetProperty("interfaces", out var ifs))
        {
            if (ipam) p.Add("a delegated IPAM result must not have \"interfaces\"");
            if (ifs.ValueKind != JsonValueKind.Array) p.Add("interfaces is not an array");
            else ifCount = ifs.GetArrayLength();
        }
        if (r.TryGetProperty("ips", out var ips))
        {
            if (ips.ValueKind != JsonValueKind.Array) { p.Add("ips is not an array"); return p; }
            var i = 0;
            foreach (var e in ips.EnumerateArray())
            {
                var addr = e.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : null;
                if (addr == null || !IsCidr(addr)) p.Add($"ips[{i}].address is missing or not a CIDR");
                var hasVersion = e.TryGetProperty("version", out var ver);
                if (SpecVersion.Family(version) == 1)
                {
                    var want = addr != null && addr.Contains(':') ? "6" : "4";
                    if (!hasVersion) p.Add($"ips[{i}] has no \"version\" (required in {version})");
                    else if (ver.ValueKind != JsonValueKind.String || ver.GetString() != want)
                        p.Add($"ips[{i}].version is {ver.GetRawText()}, expected \"{want}\"");
                }
                else if (hasVersion) p.Add($"ips[{i}] has \"version\", which 1.x results no longer carry");
                if (e.TryGetProperty("interface", out var ix))
                {
                    if (ipam) p.Add($"ips[{i}].interface must be absent in a delegated IPAM result");
                    else if (ix.ValueKind != JsonValueKind.Number || !ix.TryGetInt32(out var n) || n < 0 || n >= ifCount)
                        p.Add($"ips[{i}].interface {ix.GetRawText()} is out of bounds ({ifCount} interfaces)");
                }
                i++;
            }
        }
        return p;
    }

    /// <summary>1.1-only fields present in a result (C53): interface mtu/socketPath/pciID, route mtu/advmss/priority/table/scope.</summary>
    public static List<string> NewerFields(JsonElement r)
    {
        var found = new List<string>();
        if (r.TryGetProperty("interfaces", out var ifs) && ifs.ValueKind == JsonValueKind.Array)
            foreach (var i in ifs.EnumerateArray())
                foreach (var k in new[] { "mtu", "socketPath", "pciID" })
                    if (i.TryGetProperty(k, out _)) found.Add("interfaces[]." + k);
        if (r.TryGetProperty("routes", out var rs) && rs.ValueKind == JsonValueKind.Array)
            foreach (var rt in rs.EnumerateArray())
                foreach (var k in new[] { "mtu", "advmss", "priority", "table", "scope" })
                    if (rt.TryGetProperty(k, out _)) found.Add("routes[]." + k);
        return [.. found.Distinct()];
    }

    /// <summary>All CIDR addresses in a result, in any version's shape.</summary>
    public static List<string> Addresses(JsonElement r)
    {
        var list = new List<string>();
        if (r.ValueKind != JsonValueKind.Object) return list;
        if (r.TryGetProperty("ips", out var ips) && ips.ValueKind == JsonValueKind.Array)
            foreach (var e in ips.EnumerateArray())
                if (e.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.String) list.Add(a.GetString()!);
        foreach (var fam in new[] { "ip4", "ip6" })
            if (r.TryGetProperty(fam, out var f) && f.TryGetProperty("ip", out var a) && a.ValueKind == JsonValueKind.String) list.Add(a.GetString()!);
        return list;
    }

    public static bool IsCidr(string s)
    {
        var slash = s.IndexOf('/');
        return slash > 0 && IPAddress.TryParse(s[..slash], out var ip)
            && int.TryParse(s[(slash + 1)..], out var len) && len >= 0
            && len <= (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32);
    }

    /// <summary>Semantic equality of two results: key order and `"dns":{}` versus absent do not matter (digest §10.14).</summary>
    public static bool SameResult(JsonElement a, JsonElement b) => Equal(Normalize(a), Normalize(b));

    private static JsonElement Normalize(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("dns", out var d) || d.ValueKind != JsonValueKind.Object) return e;
        if (d.EnumerateObject().Any(p => p.Value.ValueKind switch
            {
                JsonValueKind.Array => p.Value.GetArrayLength() > 0,
                JsonValueKind.String => p.Value.GetString() != "",
                _ => true,
            })) return e;
        // Rebuild the object without the empty dns.
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            foreach (var p in e.EnumerateObject())
                if (p.Name != "dns") p.WriteTo(w);
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(ms.ToArray());
        return doc.RootElement.Clone();
    }

    private static bool Equal(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind) return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var pa = a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                var pb = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                return pa.Count == pb.Count && pa.All(kv => pb.TryGetValue(kv.Key, out var v) && Equal(kv.Value, v));
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(t => Equal(t.First, t.Second));
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Number:
                return a.GetRawText() == b.GetRawText();
            default:
                return true;
        }
    }
}
