using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cni.Plugins.Bridge;
using Cni.Sdk;

namespace Cni.Plugins.Vxlan;

/// <summary>How broadcast, unknown-unicast and multicast frames reach the other hosts.</summary>
public enum FloodMode
{
    /// <summary>Head-end replication: one all-zero-MAC FDB entry per peer from an <see cref="IPeerSource"/>.</summary>
    Peers,
    /// <summary>A multicast group on the underlay; the kernel learns remote MACs from what arrives.</summary>
    Multicast,
}

/// <summary>
/// The vxlan plugin's keys. The container side is the bridge plugin's (<c>bridge</c>, <c>isGateway</c>,
/// <c>ipMasq</c>, <c>mtu</c>, <c>macspoofchk</c>, ... read by <see cref="BridgeConfig"/>); the overlay adds
/// <c>vni</c>, <c>port</c>, <c>underlay</c>, <c>localIP</c>, <c>peers</c> or <c>group</c>, <c>learning</c>,
/// <c>vxlanDevice</c> and <c>stateDir</c>. Everything is validated before any side effect.
/// </summary>
public sealed class VxlanConfig
{
    /// <summary>IANA's VXLAN port; the kernel's own default (8472) is the pre-IANA Linux one.</summary>
    public const int DefaultPort = 4789;
    public const uint MaxVni = (1u << 24) - 1;
    public const string DefaultStateDir = "/run/cni/vxlan";
    /// <summary>Outer Ethernet (14) + IPv4 (20) + UDP (8) + VXLAN (8) headers; IPv6's header is 20 bytes longer.</summary>
    public const int OverheadV4 = 50, OverheadV6 = 70;

    public required BridgeConfig Bridge { get; init; }
    public NetConf Net => Bridge.Net;
    public required uint Vni { get; init; }
    public int Port { get; init; } = DefaultPort;
    /// <summary>The underlay device; null = the interface of the default route.</summary>
    public string? Underlay { get; init; }
    /// <summary>The local VTEP address; null ("auto") = the underlay's first global address.</summary>
    public IPAddress? LocalIp { get; init; }
    public FloodMode Mode { get; init; }
    /// <summary>The multicast group in <see cref="FloodMode.Multicast"/>.</summary>
    public IPAddress? Group { get; init; }
    /// <summary>The peer source in <see cref="FloodMode.Peers"/> (an empty static list: a one-host segment).</summary>
    public IPeerSource PeerSource { get; init; } = new StaticPeerSource([]);
    /// <summary>Kernel MAC learning on the VXLAN device (on by default: unicast then goes straight to the right host).</summary>
    public bool Learning { get; init; } = true;
    public required string DeviceName { get; init; }
    public string StateDir { get; init; } = DefaultStateDir;

    /// <summary>Parses and validates <paramref name="args"/>. Wrong types: 6; bad values: 7.</summary>
    public static VxlanConfig Load(CmdArgs args)
    {
        var root = args.Config.Raw;
        int vni = Int(root, "vni") ?? throw Invalid("vxlan config: \"vni\" is required (1 to 16777215)");
        if (vni < 1 || vni > MaxVni) throw Invalid($"invalid VNI {vni} (must be between 1 and {MaxVni})");
        var bridge = BridgeConfig.Load(args, $"vxbr{vni}");
        if (bridge.UsesVlanFiltering) throw Invalid("vxlan: \"vlan\" and \"vlanTrunk\" are not supported (the VNI is the segment)");

        int port = Int(root, "port") ?? DefaultPort;
        if (port < 1 || port > 65535) throw Invalid($"invalid VXLAN port {port} (must be between 1 and 65535)");
        string device = Str(root, "vxlanDevice") is { Length: > 0 } d ? d : $"vxlan{vni}";
        if (device.Length > 15 || device.Contains('/') || device.Any(char.IsWhiteSpace))
            throw Invalid($"invalid vxlanDevice name \"{device}\" (at most 15 characters, no '/' or spaces)");
        if (device == bridge.BridgeName) throw Invalid($"vxlanDevice and bridge are both \"{device}\"");

        string? local = Str(root, "localIP");
        IPAddress? localIp = local is null or "" or "auto" ? null : ParseIp(local, "localIP");
        if (localIp != null && (IsMulticast(localIp) || IPAddress.Any.Equals(localIp) || IPAddress.IPv6Any.Equals(localIp)))
            throw Invalid($"localIP {localIp} must be a unicast address of this host");

        IPAddress? group = Str(root, "group") is { Length: > 0 } g ? ParseIp(g, "group") : null;
        if (group != null && !IsMulticast(group)) throw Invalid($"group {group} is not a multicast address");
        var peers = ReadPeers(root);
        if (group != null && peers != null) throw Invalid("vxlan: set \"peers\" or \"group\", not both");
        var family = localIp?.AddressFamily;
        foreach (var ip in (peers is StaticPeerSource s ? s.Peers() : []).Append(group).OfType<IPAddress>())
        {
            if (family != null && ip.AddressFamily != family)
                throw Invalid($"vxlan: {ip} and localIP {localIp} are of different address families");
            family = ip.AddressFamily;
        }

        return new VxlanConfig
        {
            Bridge = bridge,
            Vni = (uint)vni,
            Port = port,
            Underlay = Str(root, "underlay") is { Length: > 0 } u ? u : null,
            LocalIp = localIp,
            Mode = group != null ? FloodMode.Multicast : FloodMode.Peers,
            Group = group,
            PeerSource = peers ?? new StaticPeerSource([]),
            Learning = Bool(root, "learning") ?? true,
            DeviceName = device,
            StateDir = Str(root, "stateDir") is { Length: > 0 } sd ? sd : DefaultStateDir,
        };
    }

    /// <summary>
    /// <c>"peers": ["192.0.2.11", ...]</c> or <c>"peers": {"source": "static", "hosts": [...]}</c>. The object
    /// form is where store-backed sources plug in (<c>"source": "etcd"</c>, ...); only "static" exists so far.
    /// </summary>
    private static IPeerSource? ReadPeers(JsonElement root)
    {
        if (!root.TryGetProperty("peers", out var p) || p.ValueKind == JsonValueKind.Null) return null;
        JsonElement hosts;
        if (p.ValueKind == JsonValueKind.Array) hosts = p;
        else if (p.ValueKind == JsonValueKind.Object)
        {
            string source = Str(p, "source") ?? "static";
            if (source != "static")
                throw Invalid($"vxlan: peer source \"{source}\" is not supported (\"static\"; use \"group\" for multicast)");
            if (!p.TryGetProperty("hosts", out hosts) || hosts.ValueKind != JsonValueKind.Array)
                throw new CniException(CniErrorCode.DecodingFailure, "vxlan config: \"peers.hosts\" must be an array of addresses");
        }
        else throw new CniException(CniErrorCode.DecodingFailure, "vxlan config: \"peers\" must be an array or an object");

        var list = new List<IPAddress>();
        foreach (var h in hosts.EnumerateArray())
        {
            if (h.ValueKind != JsonValueKind.String)
                throw new CniException(CniErrorCode.DecodingFailure, "vxlan config: peers must be address strings");
            var ip = ParseIp(h.GetString()!, "peers");
            if (IsMulticast(ip)) throw Invalid($"peer {ip} is a multicast address (use \"group\")");
            if (!list.Contains(ip)) list.Add(ip);
        }
        return new StaticPeerSource(list);
    }

    private static IPAddress ParseIp(string text, string key)
    {
        // Strict: .NET alone would take "10.1" as an IPv4 address, and zone ids mean nothing here.
        bool dotted = text.Contains(':') || (text.Count(c => c == '.') == 3 && text.All(c => c == '.' || char.IsAsciiDigit(c)));
        if (!dotted || text.Contains('%') || !IPAddress.TryParse(text, out var ip)) throw Invalid($"vxlan: {key}: invalid IP address \"{text}\"");
        return ip;
    }

    private static bool IsMulticast(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetworkV6
        ? ip.IsIPv6Multicast
        : (ip.GetAddressBytes()[0] & 0xF0) == 0xE0;

    private static string? Str(JsonElement o, string key)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw Bad(key, "a string");
        return v.GetString();
    }

    private static bool? Bool(JsonElement o, string key)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Bad(key, "a boolean");
        return v.GetBoolean();
    }

    private static int? Int(JsonElement o, string key)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        // A VNI above 2^31 is still a number the user meant; report it as out of range, not as a type error.
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) && (l > int.MaxValue || l < int.MinValue))
            throw Invalid($"vxlan: \"{key}\" value {l} is out of range");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i)) throw Bad(key, "an integer");
        return i;
    }

    private static CniException Bad(string key, string expected)
        => new(CniErrorCode.DecodingFailure, $"vxlan config: \"{key}\" must be {expected}");

    private static CniException Invalid(string msg) => new(CniErrorCode.InvalidNetworkConfig, msg);
}
