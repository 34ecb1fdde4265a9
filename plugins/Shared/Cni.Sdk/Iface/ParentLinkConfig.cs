using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.NetworkInformation;
using System.Text.Json;

namespace Cni.Sdk.Iface;

/// <summary>
/// The keys every "link on a parent" plugin (macvlan, ipvlan) shares: <c>master</c>, <c>mtu</c>,
/// <c>linkInContainer</c>, <c>ipam</c>, <c>dns</c>. Loading never looks at the kernel, so DEL and GC work on a
/// host without a default route or without the master: the master is resolved only where it is needed.
/// Subclasses read their own keys with the typed readers below (wrong type: 6, bad value: 7).
/// </summary>
public abstract class ParentLinkConfig
{
    public required NetConf Net { get; init; }
    /// <summary>The configured master, or null to take it from prevResult (ipvlan) or the default route.</summary>
    public string? Master { get; init; }
    /// <summary>0 inherits the master's MTU; otherwise it must not exceed it.</summary>
    public int Mtu { get; init; }
    /// <summary>The master lives in the container namespace, and the link is created there.</summary>
    public bool LinkInContainer { get; init; }

    public bool HasIpam => !string.IsNullOrEmpty(Net.Ipam?.Type);

    /// <summary>Common validation; <paramref name="plugin"/> names the plugin in messages.</summary>
    protected void ValidateCommon(string plugin)
    {
        if (Mtu < 0) Invalid($"{plugin}: invalid MTU {Mtu}");
        if (Master is { } m && (m.Length == 0 || m.Length > 15 || m.Contains('/') || m.Any(char.IsWhiteSpace)))
            Invalid($"{plugin}: invalid master name \"{m}\" (1-15 characters, no '/' or spaces)");
    }

    public static string? Str(JsonElement o, string key, string plugin)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) Bad(plugin, key, "a string");
        return v.GetString();
    }

    public static bool Bool(JsonElement o, string key, string plugin)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) Bad(plugin, key, "a boolean");
        return v.GetBoolean();
    }

    public static long? Integer(JsonElement o, string key, string plugin, long min, long max)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long i)) { Bad(plugin, key, "an integer"); return null; }
        if (i < min || i > max) Invalid($"{plugin}: \"{key}\" must be between {min} and {max}, not {i}");
        return i;
    }

    /// <summary>
    /// The container MAC: runtimeConfig.mac (capability "mac") wins over CNI_ARGS MAC=, which wins over the
    /// config's own <c>mac</c> key (the reference macvlan's order). Null when none is given.
    /// </summary>
    public static PhysicalAddress? ReadMac(CmdArgs args, string plugin)
    {
        string? text = null, source = null;
        var root = args.Config.Raw;
        if (args.Config.RuntimeConfig is { ValueKind: JsonValueKind.Object } rc && Str(rc, "mac", plugin) is { Length: > 0 } m1)
            (text, source) = (m1, "runtimeConfig.mac");
        else if (CniArgsParser.Parse(args.Args, "MAC", "IP").TryGetValue("MAC", out var m2) && m2.Length > 0)
            (text, source) = (m2, "CNI_ARGS MAC");
        else if (Str(root, "mac", plugin) is { Length: > 0 } m3)
            (text, source) = (m3, "mac");
        if (text is null) return null;
        var parts = text.Split(':');
        if (parts.Length != 6 || parts.Any(p => p.Length != 2 || !byte.TryParse(p, NumberStyles.HexNumber, null, out _)))
            Invalid($"{plugin}: invalid MAC address \"{text}\" in {source}");
        var mac = PhysicalAddress.Parse(text.Replace(':', '-'));
        if ((mac.GetAddressBytes()[0] & 1) != 0) Invalid($"{plugin}: MAC address {text} in {source} is a multicast address");
        return mac;
    }

    [DoesNotReturn]
    public static void Bad(string plugin, string key, string expected)
        => throw new CniException(CniErrorCode.DecodingFailure, $"{plugin} config: \"{key}\" must be {expected}");

    [DoesNotReturn]
    public static void Invalid(string msg) => throw new CniException(CniErrorCode.InvalidNetworkConfig, msg);
}
