using System.Globalization;
using System.Net.NetworkInformation;
using System.Text.Json;
using Cni.Sdk;

namespace Cni.Plugins.Tuning;

/// <summary>
/// The tuning plugin's keys after every override. Sources, later winning (the reference's order):
/// config keys, CNI_ARGS <c>MAC</c>, <c>runtimeConfig.mac</c>, <c>args.cni.*</c>. Unlike the reference, an
/// <c>args.cni</c> key only overrides when present (the reference resets an absent <c>mtu</c>/<c>promisc</c> to 0/false).
/// Everything is validated before any side effect. Wrong JSON types: 6; bad values: 7.
/// </summary>
public sealed class TuningConfig
{
    public const string DefaultDataDir = "/run/cni/tuning";

    public required NetConf Net { get; init; }
    /// <summary>In config order, then the args.cni additions; no two resolve to the same path.</summary>
    public IReadOnlyList<SysctlSetting> Sysctls { get; init; } = [];
    public PhysicalAddress? Mac { get; init; }
    /// <summary>True: turn promisc on (ADD) / require it (CHECK). False: require it off (CHECK). Null: untouched.</summary>
    public bool? Promisc { get; init; }
    /// <summary>Null or 0: untouched.</summary>
    public int? Mtu { get; init; }
    public bool? Allmulti { get; init; }
    public int? TxQueueLength { get; init; }
    public string DataDir { get; init; } = DefaultDataDir;

    /// <summary>Whether ADD changes a link attribute (and so saves the old ones), as the reference decides it.</summary>
    public bool ChangesLink => Mac != null || Promisc == true || Mtu is > 0 || Allmulti.HasValue || TxQueueLength.HasValue;

    /// <summary>Everything ADD and CHECK need; a missing prevResult is refused here (tuning only edits a chain).</summary>
    public static TuningConfig Load(CmdArgs args)
    {
        var root = args.Config.Raw;
        if (args.Config.PrevResult is null)
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "required prevResult missing",
                "tuning is a chained plugin: it adjusts the interface an earlier plugin created");
        var cni = ArgsCni(args.Config);

        string? mac = Str(root, "mac", "mac");
        string macSource = "mac";
        if (CniArgsParser.Parse(args.Args, "MAC").TryGetValue("MAC", out var envMac) && envMac.Length > 0)
            (mac, macSource) = (envMac, "CNI_ARGS MAC");
        if (args.Config.RuntimeConfig is { ValueKind: JsonValueKind.Object } rc && Str(rc, "mac", "runtimeConfig.mac") is { Length: > 0 } rcMac)
            (mac, macSource) = (rcMac, "runtimeConfig.mac");
        if (cni is { } c0 && Str(c0, "mac", "args.cni.mac") is { Length: > 0 } argMac)
            (mac, macSource) = (argMac, "args.cni.mac");

        var config = new TuningConfig
        {
            Net = args.Config,
            DataDir = LoadDataDir(args),
            Sysctls = ReadSysctls(root, cni, args.IfName),
            Mac = mac is { Length: > 0 } ? ParseMac(mac, macSource) : null,
            Promisc = Override(Bool(root, "promisc", "promisc"), cni, c => Bool(c, "promisc", "args.cni.promisc")),
            Mtu = Override(Int(root, "mtu", "mtu"), cni, c => Int(c, "mtu", "args.cni.mtu")),
            Allmulti = Override(Bool(root, "allmulti", "allmulti"), cni, c => Bool(c, "allmulti", "args.cni.allmulti")),
            TxQueueLength = Override(Int(root, "txQLen", "txQLen"), cni, c => Int(c, "txQLen", "args.cni.txQLen")),
        };
        if (config.Mtu < 0) Invalid($"invalid mtu {config.Mtu}");
        if (config.TxQueueLength < 0) Invalid($"invalid txQLen {config.TxQueueLength}");
        SysctlAllowlist.Load(args)?.Enforce(config.Sysctls);
        return config;
    }

    /// <summary>Only <c>dataDir</c>: DEL and GC must work even when the rest of the config no longer validates.</summary>
    public static string LoadDataDir(CmdArgs args)
        => Str(args.Config.Raw, "dataDir", "dataDir") is { Length: > 0 } d ? d : DefaultDataDir;

    /// <summary>
    /// Config sysctls, then args.cni.sysctl replacing entries with the same path. Two keys of one map that name
    /// the same file (dotted and slash spellings, or a repeated JSON key) are refused: which write wins would
    /// depend on map order.
    /// </summary>
    private static List<SysctlSetting> ReadSysctls(JsonElement root, JsonElement? cni, string ifName)
    {
        var merged = ReadSysctlMap(root, "sysctl", ifName);
        if (cni is { } c)
        {
            foreach (var s in ReadSysctlMap(c, "args.cni.sysctl", ifName))
            {
                int i = merged.FindIndex(m => m.Path == s.Path);
                if (i >= 0) merged[i] = s;
                else merged.Add(s);
            }
        }
        return merged;
    }

    private static List<SysctlSetting> ReadSysctlMap(JsonElement o, string where, string ifName)
    {
        var list = new List<SysctlSetting>();
        if (!o.TryGetProperty("sysctl", out var map) || map.ValueKind == JsonValueKind.Null) return list;
        if (map.ValueKind != JsonValueKind.Object) Bad(where, "an object of strings");
        foreach (var p in map.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) Bad($"{where}.{p.Name}", "a string");
            var s = SysctlSetting.Resolve(p.Name, p.Value.GetString()!, ifName);
            if (list.FirstOrDefault(e => e.Path == s.Path) is { } dup)
                Invalid($"{where}: keys \"{dup.Key}\" and \"{s.Key}\" both set {s.FullPath}");
            list.Add(s);
        }
        return list;
    }

    private static JsonElement? ArgsCni(NetConf net)
    {
        if (net.Args is not { ValueKind: JsonValueKind.Object } a) return null;
        if (!a.TryGetProperty("cni", out var cni) || cni.ValueKind == JsonValueKind.Null) return null;
        if (cni.ValueKind != JsonValueKind.Object) Bad("args.cni", "an object");
        return cni;
    }

    private static T? Override<T>(T? value, JsonElement? cni, Func<JsonElement, T?> read) where T : struct
        => cni is { } c && read(c) is T v ? v : value;

    /// <summary>Six colon-separated hex pairs; a multicast address can never be an interface's own.</summary>
    private static PhysicalAddress ParseMac(string text, string source)
    {
        var parts = text.Split(':');
        if (parts.Length != 6 || parts.Any(p => p.Length != 2 || !byte.TryParse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _)))
            Invalid($"invalid MAC address \"{text}\" in {source}");
        var mac = PhysicalAddress.Parse(text.Replace(':', '-'));
        if ((mac.GetAddressBytes()[0] & 1) != 0) Invalid($"MAC address {text} in {source} is a multicast address");
        return mac;
    }

    private static string? Str(JsonElement o, string key, string where)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) Bad(where, "a string");
        return v.GetString();
    }

    private static bool? Bool(JsonElement o, string key, string where)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) Bad(where, "a boolean");
        return v.GetBoolean();
    }

    private static int? Int(JsonElement o, string key, string where)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out _)) Bad(where, "an integer");
        return v.GetInt32();
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Bad(string where, string expected)
        => throw new CniException(CniErrorCode.DecodingFailure, $"tuning config: \"{where}\" must be {expected}");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Invalid(string msg) => throw new CniException(CniErrorCode.InvalidNetworkConfig, msg);
}
