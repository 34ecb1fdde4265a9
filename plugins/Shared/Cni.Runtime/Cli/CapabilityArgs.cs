using System.Net;
using Cni.Linux.Hashing;
using System.Text;
using System.Text.Json;
using Cni.Sdk;

namespace Cni.Runtime.Cli;

/// <summary>
/// Turns cnictl's options into what a runtime hands libcni: capability args (portMappings, ips, mac, in the
/// shapes of digest 2.6), CNI_ARGS pairs and a container ID.
/// </summary>
public static class CapabilityArgs
{
    public static Dictionary<string, JsonElement> Build(IEnumerable<string> publish, IEnumerable<string> ips, string? mac)
    {
        var caps = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var mappings = publish.Select(ParsePortMapping).ToList();
        if (mappings.Count > 0)
        {
            caps["portMappings"] = RuntimeJson.Parse(RuntimeJson.Write(w =>
            {
                w.WriteStartArray();
                foreach (var m in mappings)
                {
                    w.WriteStartObject();
                    w.WriteNumber("hostPort", m.HostPort);
                    w.WriteNumber("containerPort", m.ContainerPort);
                    w.WriteString("protocol", m.Protocol);
                    if (m.HostIp is not null) w.WriteString("hostIP", m.HostIp);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }));
        }
        var ipList = ips.ToList();
        foreach (var ip in ipList)
            if (!IPAddress.TryParse(ip.Split('/')[0], out _)) throw new UsageException($"--ip {ip}: not an IP address");
        if (ipList.Count > 0)
            caps["ips"] = RuntimeJson.Parse(RuntimeJson.Write(w =>
            {
                w.WriteStartArray();
                foreach (var ip in ipList) w.WriteStringValue(ip);
                w.WriteEndArray();
            }));
        if (mac is not null)
        {
            if (mac.Split(':').Length != 6 || mac.Split(':').Any(b => b.Length != 2 || !b.All(char.IsAsciiHexDigit)))
                throw new UsageException($"--mac {mac}: expected xx:xx:xx:xx:xx:xx");
            caps["mac"] = RuntimeJson.Parse(RuntimeJson.Write(w => w.WriteStringValue(mac)));
        }
        return caps;
    }

    public sealed record PortMapping(int HostPort, int ContainerPort, string Protocol, string? HostIp);

    /// <summary><c>HOST:CONTAINER[/tcp|udp|sctp][@HOSTIP]</c>; the protocol defaults to tcp.</summary>
    public static PortMapping ParsePortMapping(string spec)
    {
        string rest = spec;
        string? hostIp = null;
        int at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            hostIp = rest[(at + 1)..];
            rest = rest[..at];
            if (!IPAddress.TryParse(hostIp, out _)) throw new UsageException($"--publish {spec}: bad host IP \"{hostIp}\"");
        }
        string protocol = "tcp";
        int slash = rest.IndexOf('/');
        if (slash >= 0)
        {
            protocol = rest[(slash + 1)..].ToLowerInvariant();
            rest = rest[..slash];
            if (protocol is not ("tcp" or "udp" or "sctp")) throw new UsageException($"--publish {spec}: protocol must be tcp, udp or sctp");
        }
        var ports = rest.Split(':');
        if (ports.Length != 2 || !TryPort(ports[0], out int host) || !TryPort(ports[1], out int container))
            throw new UsageException($"--publish {spec}: expected HOST:CONTAINER[/proto][@HOSTIP] with ports 1-65535");
        return new PortMapping(host, container, protocol, hostIp);
    }

    private static bool TryPort(string s, out int port)
        => int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
           && port is > 0 and <= 65535;

    /// <summary>CNI_ARGS "K=V;K=V" as pairs; each pair must have exactly one '='.</summary>
    public static List<KeyValuePair<string, string>> ParseCniArgs(string? s)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(s)) return pairs;
        foreach (var part in s.Split(';'))
        {
            var kv = part.Split('=');
            if (kv.Length != 2 || kv[0].Length == 0) throw new UsageException($"--args: invalid pair \"{part}\"");
            pairs.Add(new(kv[0], kv[1]));
        }
        return pairs;
    }

    /// <summary>
    /// The default container ID: <c>cnictl-NAME</c> for a netns given by (valid) name, so leases and cache files
    /// are easy to recognise; otherwise <c>cnictl-</c> plus 20 hex digits of the path's SHA-256 (cnitool's idea).
    /// </summary>
    public static string ContainerIdFor(string netnsArg)
    {
        if (!netnsArg.Contains('/') && Validation.IsValidId("cnictl-" + netnsArg)) return "cnictl-" + netnsArg;
        return "cnictl-" + Sha256.HashHex(Encoding.UTF8.GetBytes(netnsArg))[..20];
    }
}
