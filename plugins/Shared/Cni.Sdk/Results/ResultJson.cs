using System.Net.Sockets;
using System.Text.Json;

namespace Cni.Sdk;

/// <summary>
/// Prints the 1.1 model in any supported version and reads any version back into the model, following the
/// reference converters (digest section 3.2): 0.1/0.2 keep the first IPv4 and IPv6 only; 0.3.x/0.4.0 add
/// <c>ips[].version</c> and drop the 1.1 interface fields; 1.0.0 keeps them (relabel only).
/// </summary>
public static partial class ResultJson
{
    /// <summary>
    /// Serializes <paramref name="r"/> as <paramref name="version"/>, one line plus a newline.
    /// Throws <see cref="CniException"/> (1) for an unknown version or when 0.1/0.2 cannot hold it (no IP):
    /// code 1 because the failure is "this version cannot express the result", not a plugin bug.
    /// </summary>
    public static byte[] Encode(Result r, string version)
    {
        var family = ResultFamilies.Of(version);
        CheckComplete(r);
        if (family == ResultFamily.Legacy && r.Ips.Count == 0)
            throw new CniException(CniErrorCode.IncompatibleVersion, "cannot convert: no valid IP addresses",
                $"a {version} result needs at least one IP address");
        return CniJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("cniVersion", version);
            if (family == ResultFamily.Legacy) WriteLegacyBody(w, r);
            else WriteModernBody(w, r, family);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// A default <see cref="Linux.Net.Cidr"/> has no address and would print as "/0": refuse it as a plugin bug
    /// (999) instead of handing the runtime an unparsable result.
    /// </summary>
    private static void CheckComplete(Result r)
    {
        if (r.Ips.Any(ip => ip.Address.Address is null))
            throw new CniException(CniErrorCode.Internal, "invalid result: an IP entry has no address");
        if (r.Routes.Any(rt => rt.Dst.Address is null))
            throw new CniException(CniErrorCode.Internal, "invalid result: a route has no destination");
    }

    private static void WriteModernBody(Utf8JsonWriter w, Result r, ResultFamily family)
    {
        if (r.Interfaces.Count > 0)
        {
            w.WriteStartArray("interfaces");
            foreach (var i in r.Interfaces) WriteInterface(w, i, family);
            w.WriteEndArray();
        }
        if (r.Ips.Count > 0)
        {
            w.WriteStartArray("ips");
            foreach (var ip in r.Ips)
            {
                w.WriteStartObject();
                if (family == ResultFamily.V04) w.WriteString("version", ip.Address.IsIPv4 ? "4" : "6");
                if (ip.Interface is int idx) w.WriteNumber("interface", idx);
                w.WriteString("address", ip.Address.ToString());
                if (ip.Gateway is not null) w.WriteString("gateway", ip.Gateway.ToString());
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (r.Routes.Count > 0)
        {
            w.WriteStartArray("routes");
            foreach (var route in r.Routes) WriteRoute(w, route, extras: true);
            w.WriteEndArray();
        }
        // 0.3.x/0.4.0 always print dns (a Go struct is never "empty"); 1.x drops an empty one, as HEAD does.
        if (family == ResultFamily.V04 || !r.Dns.IsEmpty) WriteDns(w, r.Dns);
    }

    private static void WriteInterface(Utf8JsonWriter w, Interface i, ResultFamily family)
    {
        w.WriteStartObject();
        w.WriteString("name", i.Name);
        if (!string.IsNullOrEmpty(i.Mac)) w.WriteString("mac", i.Mac);
        bool v1 = family == ResultFamily.V1;
        if (v1 && i.Mtu is int mtu && mtu != 0) w.WriteNumber("mtu", mtu);
        if (!string.IsNullOrEmpty(i.Sandbox)) w.WriteString("sandbox", i.Sandbox);
        if (v1 && !string.IsNullOrEmpty(i.SocketPath)) w.WriteString("socketPath", i.SocketPath);
        if (v1 && !string.IsNullOrEmpty(i.PciId)) w.WriteString("pciID", i.PciId);
        w.WriteEndObject();
    }

    private static void WriteRoute(Utf8JsonWriter w, Route r, bool extras)
    {
        w.WriteStartObject();
        w.WriteString("dst", r.Dst.ToString());
        if (r.Gw is not null) w.WriteString("gw", r.Gw.ToString());
        if (extras)
        {
            // mtu/advmss/priority are omitted when 0 (Go omitempty on ints); table/scope are pointers there.
            if (r.Mtu is int mtu && mtu != 0) w.WriteNumber("mtu", mtu);
            if (r.AdvMss is int mss && mss != 0) w.WriteNumber("advmss", mss);
            if (r.Priority is int prio && prio != 0) w.WriteNumber("priority", prio);
            if (r.Table is int table) w.WriteNumber("table", table);
            if (r.Scope is int scope) w.WriteNumber("scope", scope);
        }
        w.WriteEndObject();
    }

    private static void WriteDns(Utf8JsonWriter w, Dns d)
    {
        w.WriteStartObject("dns");
        WriteStrings(w, "nameservers", d.Nameservers);
        if (!string.IsNullOrEmpty(d.Domain)) w.WriteString("domain", d.Domain);
        WriteStrings(w, "search", d.Search);
        WriteStrings(w, "options", d.Options);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, List<string> values)
    {
        if (values.Count == 0) return;
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>
    /// 0.1/0.2: the first address of each family becomes <c>ip4</c>/<c>ip6</c>; each route goes under the family of
    /// its destination, with dst and gw only, and is dropped when that family has no address (as the reference does).
    /// </summary>
    private static void WriteLegacyBody(Utf8JsonWriter w, Result r)
    {
        foreach (var (key, family) in new[] { ("ip4", AddressFamily.InterNetwork), ("ip6", AddressFamily.InterNetworkV6) })
        {
            var ip = r.Ips.FirstOrDefault(i => i.Address.Family == family);
            if (ip is null) continue;
            w.WriteStartObject(key);
            w.WriteString("ip", ip.Address.ToString());
            if (ip.Gateway is not null) w.WriteString("gateway", ip.Gateway.ToString());
            var routes = r.Routes.Where(rt => rt.Dst.Family == family).ToList();
            if (routes.Count > 0)
            {
                w.WriteStartArray("routes");
                foreach (var rt in routes) WriteRoute(w, rt, extras: false);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        WriteDns(w, r.Dns);
    }
}
