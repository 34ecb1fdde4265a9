using System.Net.NetworkInformation;
using System.Text.Json;
using Cni.Sdk;

namespace Cni.Plugins.Bridge;

/// <summary>One VLAN range of <c>vlanTrunk</c> (a single <c>id</c> is a range of one).</summary>
public readonly record struct VlanRange(int Min, int Max);

/// <summary>
/// The bridge plugin's keys, with the reference's defaults and validation. Everything is checked before any
/// side effect, so a bad config never leaves a veth, a lease or a rule behind. A record so that the vxlan
/// plugin, which shares these keys, can derive the MTU it computes at ADD time (<c>config with { Mtu = n }</c>).
/// </summary>
public sealed record BridgeConfig
{
    public const string DefaultBridge = "cni0";

    public required NetConf Net { get; init; }
    public string BridgeName { get; init; } = DefaultBridge;
    public bool IsGateway { get; init; }
    public bool IsDefaultGateway { get; init; }
    public bool ForceAddress { get; init; }
    public bool IpMasq { get; init; }
    /// <summary>"iptables", "nftables" or null (auto).</summary>
    public string? IpMasqBackend { get; init; }
    public int Mtu { get; init; }
    public bool HairpinMode { get; init; }
    public bool PromiscMode { get; init; }
    public int Vlan { get; init; }
    public IReadOnlyList<VlanRange> VlanTrunk { get; init; } = [];
    public bool PreserveDefaultVlan { get; init; }
    public bool MacSpoofCheck { get; init; }
    public bool EnableDad { get; init; }
    public bool DisableContainerInterface { get; init; }
    public bool PortIsolation { get; init; }
    /// <summary>The container MAC: runtimeConfig.mac, else args.cni.mac, else CNI_ARGS MAC=.</summary>
    public PhysicalAddress? Mac { get; init; }

    public bool HasIpam => !string.IsNullOrEmpty(Net.Ipam?.Type);
    public bool UsesVlanFiltering => Vlan != 0 || VlanTrunk.Count > 0;

    /// <summary>Parses and validates the plugin keys of <paramref name="args"/>. Wrong types: 6; bad values: 7.</summary>
    public static BridgeConfig Load(CmdArgs args) => Load(args, DefaultBridge);

    /// <summary>As <see cref="Load(CmdArgs)"/>, with another default bridge name (vxlan's is per VNI).</summary>
    public static BridgeConfig Load(CmdArgs args, string defaultBridge)
    {
        var root = args.Config.Raw;
        bool isDefaultGw = Bool(root, "isDefaultGateway");
        var config = new BridgeConfig
        {
            Net = args.Config,
            BridgeName = Str(root, "bridge") is { Length: > 0 } b ? b : defaultBridge,
            // A default gateway needs the gateway address on the bridge: isDefaultGateway implies isGateway.
            IsGateway = Bool(root, "isGateway") || isDefaultGw,
            IsDefaultGateway = isDefaultGw,
            ForceAddress = Bool(root, "forceAddress"),
            IpMasq = Bool(root, "ipMasq"),
            IpMasqBackend = Str(root, "ipMasqBackend") is { Length: > 0 } be ? be : null,
            Mtu = Int(root, "mtu") ?? 0,
            HairpinMode = Bool(root, "hairpinMode"),
            PromiscMode = Bool(root, "promiscMode"),
            Vlan = Int(root, "vlan") ?? 0,
            VlanTrunk = ReadTrunk(root),
            PreserveDefaultVlan = Bool(root, "preserveDefaultVlan"),
            MacSpoofCheck = Bool(root, "macspoofchk"),
            EnableDad = Bool(root, "enabledad"),
            DisableContainerInterface = Bool(root, "disableContainerInterface"),
            PortIsolation = Bool(root, "portIsolation"),
            Mac = ReadMac(args),
        };
        config.Validate(args.Command);
        return config;
    }

    private void Validate(string command)
    {
        if (BridgeName.Length > 15 || BridgeName.Contains('/') || BridgeName is "." or ".." || BridgeName.Any(char.IsWhiteSpace))
            Invalid($"invalid bridge name \"{BridgeName}\" (at most 15 characters, no '/' or spaces)");
        if (Vlan < 0 || Vlan > 4094) Invalid($"invalid VLAN ID {Vlan} (must be between 0 and 4094)");
        if (Mtu < 0) Invalid($"invalid MTU {Mtu}");
        if (HairpinMode && PromiscMode) Invalid("cannot set hairpin mode and promiscuous mode at the same time");
        if (DisableContainerInterface && HasIpam)
            Invalid("cannot use IPAM when the container interface is disabled (disableContainerInterface)");
        if (IpMasqBackend is not (null or "iptables" or "nftables"))
            Invalid($"invalid ipMasqBackend \"{IpMasqBackend}\" (expected \"iptables\" or \"nftables\")");
        // An L2-only result has no IP, which results below 0.3.0 cannot express: refuse before creating anything.
        if (command == "ADD" && !HasIpam && CniVersions.Compare(Net.CniVersion, "0.3.0") < 0)
            throw new CniException(CniErrorCode.IncompatibleVersion,
                $"cniVersion {Net.CniVersion} cannot express a result without IP addresses; use 0.3.0 or later for a bridge without IPAM");
    }

    private static List<VlanRange> ReadTrunk(JsonElement root)
    {
        if (!root.TryGetProperty("vlanTrunk", out var t) || t.ValueKind == JsonValueKind.Null) return [];
        if (t.ValueKind != JsonValueKind.Array) Bad("vlanTrunk", "an array");
        var ranges = new List<VlanRange>();
        foreach (var e in t.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object) Bad("vlanTrunk[]", "an object");
            int? id = Int(e, "id"), min = Int(e, "minID"), max = Int(e, "maxID");
            if (id is int single)
            {
                CheckTrunkId(single);
                ranges.Add(new VlanRange(single, single));
            }
            if (min.HasValue != max.HasValue) Invalid("vlanTrunk: minID and maxID must be set together");
            if (min is int lo && max is int hi)
            {
                CheckTrunkId(lo);
                CheckTrunkId(hi);
                if (lo > hi) Invalid($"vlanTrunk: minID {lo} is greater than maxID {hi}");
                ranges.Add(new VlanRange(lo, hi));
            }
            if (id is null && min is null) Invalid("vlanTrunk: each entry needs \"id\" or \"minID\"/\"maxID\"");
        }
        return ranges;
    }

    private static void CheckTrunkId(int id)
    {
        if (id < 1 || id > 4094) Invalid($"invalid VLAN ID {id} in vlanTrunk (must be between 1 and 4094)");
    }

    /// <summary>runtimeConfig.mac wins over args.cni.mac, which wins over CNI_ARGS MAC= (the reference's order).</summary>
    private static PhysicalAddress? ReadMac(CmdArgs args)
    {
        string? text = null, source = null;
        if (args.Config.RuntimeConfig is { ValueKind: JsonValueKind.Object } rc && Str(rc, "mac") is { Length: > 0 } m1)
            (text, source) = (m1, "runtimeConfig.mac");
        else if (args.Config.Args is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("cni", out var cni)
                 && cni.ValueKind == JsonValueKind.Object && Str(cni, "mac") is { Length: > 0 } m2)
            (text, source) = (m2, "args.cni.mac");
        else if (CniArgsParser.Parse(args.Args, "MAC", "IP").TryGetValue("MAC", out var m3) && m3.Length > 0)
            (text, source) = (m3, "CNI_ARGS MAC");
        if (text is null) return null;
        var parts = text.Split(':');
        if (parts.Length != 6 || parts.Any(p => p.Length != 2 || !byte.TryParse(p, System.Globalization.NumberStyles.HexNumber, null, out _)))
            Invalid($"invalid MAC address \"{text}\" in {source}");
        var mac = PhysicalAddress.Parse(text.Replace(':', '-'));
        if ((mac.GetAddressBytes()[0] & 1) != 0) Invalid($"MAC address {text} in {source} is a multicast address");
        return mac;
    }

    private static string? Str(JsonElement o, string key)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) Bad(key, "a string");
        return v.GetString();
    }

    private static bool Bool(JsonElement o, string key)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) Bad(key, "a boolean");
        return v.GetBoolean();
    }

    private static int? Int(JsonElement o, string key)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i)) Bad(key, "an integer");
        return v.GetInt32();
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Bad(string key, string expected)
        => throw new CniException(CniErrorCode.DecodingFailure, $"bridge config: \"{key}\" must be {expected}");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Invalid(string msg) => throw new CniException(CniErrorCode.InvalidNetworkConfig, msg);
}
