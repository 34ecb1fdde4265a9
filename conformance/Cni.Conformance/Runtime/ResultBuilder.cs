using System.Text.Json.Nodes;

namespace Cni.Conformance.Runtime;

/// <summary>One interface and one address of a result the runner hands to chained plugins as prevResult.</summary>
public sealed record ResultIface(string Name, string Mac, string? Sandbox);

public sealed record ResultIp(string Address, string Gateway, int Interface);

/// <summary>
/// Builds results in a given version's shape (digest §3.1), so chained plugins get a prevResult in their
/// config's version, as libcni would hand it to them after conversion.
/// </summary>
public static class ResultBuilder
{
    public static JsonObject Build(string version, IReadOnlyList<ResultIface> ifaces, IReadOnlyList<ResultIp> ips,
        IReadOnlyList<JsonObject>? routes = null)
    {
        var r = new JsonObject { ["cniVersion"] = version };
        if (SpecVersion.Family(version) == 0)
        {
            var v4 = ips.FirstOrDefault(i => !i.Address.Contains(':'));
            var v6 = ips.FirstOrDefault(i => i.Address.Contains(':'));
            if (v4 != null) r["ip4"] = new JsonObject { ["ip"] = v4.Address, ["gateway"] = v4.Gateway };
            if (v6 != null) r["ip6"] = new JsonObject { ["ip"] = v6.Address, ["gateway"] = v6.Gateway };
            return r;
        }
        var ia = new JsonArray();
        foreach (var i in ifaces)
        {
            var o = new JsonObject { ["name"] = i.Name, ["mac"] = i.Mac };
            if (i.Sandbox != null) o["sandbox"] = i.Sandbox;
            ia.Add((JsonNode)o);
        }
        r["interfaces"] = ia;
        var ipa = new JsonArray();
        foreach (var ip in ips)
        {
            var o = new JsonObject();
            if (SpecVersion.Family(version) == 1) o["version"] = ip.Address.Contains(':') ? "6" : "4";
            o["interface"] = ip.Interface;
            o["address"] = ip.Address;
            o["gateway"] = ip.Gateway;
            ipa.Add((JsonNode)o);
        }
        r["ips"] = ipa;
        if (routes is { Count: > 0 })
        {
            var ra = new JsonArray();
            foreach (var rt in routes) ra.Add(rt.DeepClone());
            r["routes"] = ra;
        }
        r["dns"] = new JsonObject();
        return r;
    }
}
