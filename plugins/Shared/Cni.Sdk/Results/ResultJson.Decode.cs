using System.Text.Json;

namespace Cni.Sdk;

public static partial class ResultJson
{
    /// <summary>Parses a result (a prevResult, or an IPAM plugin's stdout) into the 1.1 model. See the element overload.</summary>
    public static Result Decode(ReadOnlySpan<byte> json, string configVersion)
    {
        JsonElement root;
        try
        {
            root = CniJson.ParseDetached(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new CniException(CniErrorCode.DecodingFailure, "cannot decode result: " + e.Message);
        }
        return Decode(root, configVersion);
    }

    /// <summary>
    /// Parses a result written in <paramref name="configVersion"/>'s family. Like the reference's
    /// ParsePrevResult, a <c>cniVersion</c> from another family is refused (code 6) and a missing one is accepted.
    /// Both shapes (<c>ip4</c>/<c>ip6</c> and <c>ips[]</c>) are read whatever the label, so nothing is lost.
    /// </summary>
    public static Result Decode(JsonElement e, string configVersion)
    {
        const string where = "result";
        var family = ResultFamilies.Of(configVersion);
        if (e.ValueKind != JsonValueKind.Object) throw JsonRead.Bad(where, "must be a JSON object");
        var label = JsonRead.OptString(e, "cniVersion", where);
        var members = ResultFamilies.Members(family);
        if (!string.IsNullOrEmpty(label) && !members.Contains(label, StringComparer.Ordinal))
            throw new CniException(CniErrorCode.DecodingFailure,
                $"result type supports [{string.Join(" ", members)}] but unmarshalled CNIVersion is {label}");

        var r = new Result();
        foreach (var i in JsonRead.OptObjectArray(e, "interfaces", where)) r.Interfaces.Add(ReadInterface(i));
        foreach (var ip in JsonRead.OptObjectArray(e, "ips", where))
        {
            r.Ips.Add(new IpConfig
            {
                Interface = JsonRead.OptInt(ip, "interface", "ips[]"),
                Address = JsonRead.RequiredCidr(ip, "address", "ips[]"),
                Gateway = JsonRead.OptIp(ip, "gateway", "ips[]"),
            });
        }
        foreach (var rt in JsonRead.OptObjectArray(e, "routes", where)) r.Routes.Add(ReadRoute(rt, "routes[]"));
        // 0.1/0.2: ip4 then ip6, each carrying its own routes, which join the top-level list in that order.
        foreach (var key in new[] { "ip4", "ip6" })
        {
            if (JsonRead.OptObject(e, key, where) is not { } legacy) continue;
            r.Ips.Add(new IpConfig
            {
                Address = JsonRead.RequiredCidr(legacy, "ip", key),
                Gateway = JsonRead.OptIp(legacy, "gateway", key),
            });
            foreach (var rt in JsonRead.OptObjectArray(legacy, "routes", key)) r.Routes.Add(ReadRoute(rt, key + ".routes[]"));
        }
        if (JsonRead.OptObject(e, "dns", where) is { } dns) r.Dns = ReadDns(dns, "dns");
        return r;
    }

    private static Interface ReadInterface(JsonElement i) => new()
    {
        Name = JsonRead.OptString(i, "name", "interfaces[]") ?? "",
        Mac = JsonRead.OptString(i, "mac", "interfaces[]"),
        Mtu = JsonRead.OptInt(i, "mtu", "interfaces[]"),
        Sandbox = JsonRead.OptString(i, "sandbox", "interfaces[]"),
        SocketPath = JsonRead.OptString(i, "socketPath", "interfaces[]"),
        PciId = JsonRead.OptString(i, "pciID", "interfaces[]"),
    };

    private static Route ReadRoute(JsonElement rt, string where) => new()
    {
        Dst = JsonRead.RequiredCidr(rt, "dst", where),
        Gw = JsonRead.OptIp(rt, "gw", where),
        Mtu = JsonRead.OptInt(rt, "mtu", where),
        AdvMss = JsonRead.OptInt(rt, "advmss", where),
        Priority = JsonRead.OptInt(rt, "priority", where),
        Table = JsonRead.OptInt(rt, "table", where),
        Scope = JsonRead.OptInt(rt, "scope", where),
    };

    /// <summary>Reads a <c>dns</c> object (result or config; both use the same keys).</summary>
    internal static Dns ReadDns(JsonElement d, string where) => new()
    {
        Nameservers = JsonRead.OptStringList(d, "nameservers", where),
        Domain = JsonRead.OptString(d, "domain", where),
        Search = JsonRead.OptStringList(d, "search", where),
        Options = JsonRead.OptStringList(d, "options", where),
    };
}
