using System.Net;
using System.Text.Json;
using Cni.Linux.Net;
using Cni.Sdk;

namespace Cni.Ipam.HostLocal;

public sealed partial class HostLocalConfig
{
    /// <summary>
    /// Reads and validates the whole stdin object <paramref name="root"/> (the keys under <c>ipam</c> plus
    /// <c>args</c> and <c>runtimeConfig</c>). <paramref name="cniArgsIp"/> is CNI_ARGS' <c>IP</c> value, if any.
    /// Every problem is error 7 naming the key.
    /// </summary>
    public static HostLocalConfig Parse(JsonElement root, string name, string cniVersion, string? cniArgsIp)
    {
        var ipam = ParseCommon(root, name, out var dataDir, out var lockTimeout);

        var sets = new List<RangeSet>();
        if (IpamJson.Opt(root, "runtimeConfig") is { ValueKind: JsonValueKind.Object } rc)
            sets.AddRange(ParseRangeSets(rc, "ipRanges", "runtimeConfig.ipRanges"));
        if (IpamJson.OptString(ipam, "subnet", "ipam.subnet") is { Length: > 0 } legacySubnet)
            sets.Add(new RangeSet([ParseRange(ipam, legacySubnet, "ipam")], "ipam"));
        sets.AddRange(ParseRangeSets(ipam, "ranges", "ipam.ranges"));
        if (sets.Count == 0)
            throw IpamJson.Invalid("ipam.ranges", "no IP ranges specified (set ipam.ranges or ipam.subnet)");

        for (int i = 0; i < sets.Count; i++)
            for (int j = i + 1; j < sets.Count; j++)
                if (sets[i].Overlaps(sets[j]))
                    throw IpamJson.Invalid("ipam.ranges", $"range set {i} overlaps with {j}");
        int v4 = sets.Count(s => s.IsIPv4), v6 = sets.Count - v4;
        if ((v4 > 1 || v6 > 1) && !CniVersions.AtLeast(cniVersion, "0.3.0"))
            throw IpamJson.Invalid("cniVersion", $"CNI version {cniVersion} does not support more than 1 address per family");

        return new HostLocalConfig
        {
            Name = name,
            CniVersion = cniVersion,
            RangeSets = sets,
            Routes = IpamJson.ParseRoutes(ipam, "ipam.routes"),
            DataDir = dataDir,
            ResolvConf = IpamJson.OptString(ipam, "resolvConf", "ipam.resolvConf") is { Length: > 0 } rcPath ? rcPath : null,
            Exclude = ParseExclude(ipam),
            RequestedIps = ParseRequested(root, cniArgsIp),
            LockTimeout = lockTimeout,
        };
    }

    /// <summary>
    /// What DEL, GC and STATUS need even when the ranges are broken: the network name (checked to be a safe
    /// directory name) and the store location.
    /// </summary>
    public static JsonElement ParseCommon(JsonElement root, string name, out string dataDir, out TimeSpan lockTimeout)
    {
        ValidateNetworkName(name);
        if (IpamJson.Opt(root, "ipam") is not { ValueKind: JsonValueKind.Object } ipam)
            throw IpamJson.Invalid("ipam", "IPAM config missing 'ipam' key");
        dataDir = IpamJson.OptString(ipam, "dataDir", "ipam.dataDir") is { Length: > 0 } d ? d : DefaultDataDir;
        lockTimeout = DefaultLockTimeout;
        if (IpamJson.Opt(ipam, "lockTimeout") is { } lt)
        {
            if (lt.ValueKind != JsonValueKind.Number || !lt.TryGetDouble(out double secs) || secs < 0 || secs > 3600)
                throw IpamJson.Invalid("ipam.lockTimeout", "must be a number of seconds between 0 and 3600");
            lockTimeout = TimeSpan.FromSeconds(secs);
        }
        return ipam;
    }

    /// <summary>
    /// The name becomes a directory under dataDir, so anything that could escape it or name nothing is refused
    /// before a single directory is created.
    /// </summary>
    public static void ValidateNetworkName(string name)
    {
        if (string.IsNullOrEmpty(name) || name == "." || name == ".." || name.Contains('/') || name.Contains('\0'))
            throw IpamJson.Invalid("name", $"network name \"{name.Replace("\0", "\\0")}\" cannot be used as a directory name");
    }

    private static IEnumerable<RangeSet> ParseRangeSets(JsonElement obj, string key, string path)
    {
        int i = 0;
        foreach (var set in IpamJson.OptArray(obj, key, path))
        {
            var setPath = $"{path}[{i++}]";
            if (set.ValueKind != JsonValueKind.Array) throw IpamJson.Invalid(setPath, "must be an array of ranges");
            var ranges = new List<IpRange>();
            int j = 0;
            foreach (var r in set.EnumerateArray())
            {
                var rp = $"{setPath}[{j++}]";
                IpamJson.RequireObject(r, rp);
                var subnet = IpamJson.OptString(r, "subnet", rp + ".subnet");
                if (string.IsNullOrEmpty(subnet)) throw IpamJson.Invalid(rp + ".subnet", "is required");
                ranges.Add(ParseRange(r, subnet, rp));
            }
            yield return new RangeSet(ranges, setPath);
        }
    }

    private static IpRange ParseRange(JsonElement r, string subnet, string path)
    {
        var cidr = IpamJson.ParseCidr(subnet, path + ".subnet");
        return new IpRange(cidr,
            IpamJson.OptIp(r, "rangeStart", path + ".rangeStart"),
            IpamJson.OptIp(r, "rangeEnd", path + ".rangeEnd"),
            IpamJson.OptIp(r, "gateway", path + ".gateway"),
            path);
    }

    private static ExcludeList ParseExclude(JsonElement ipam)
    {
        var list = new ExcludeList();
        int i = 0;
        foreach (var e in IpamJson.OptArray(ipam, "exclude", "ipam.exclude"))
        {
            var p = $"ipam.exclude[{i++}]";
            var s = e.ValueKind == JsonValueKind.String ? e.GetString()! : throw IpamJson.Invalid(p, "must be a string");
            if (s.Contains('/')) list.Add(IpamJson.ParseCidr(s, p));
            else
            {
                var ip = IpamJson.ParseIp(s, p);
                list.Add(new Cidr(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
        }
        return list;
    }

    private static List<IPAddress> ParseRequested(JsonElement root, string? cniArgsIp)
    {
        var all = new List<(string Value, string Path)>();
        if (!string.IsNullOrEmpty(cniArgsIp)) all.Add((cniArgsIp, "CNI_ARGS IP"));
        all.AddRange(IpamJson.ArgsCniIps(root));
        all.AddRange(IpamJson.RuntimeConfigIps(root));
        var result = new List<IPAddress>();
        foreach (var (value, path) in all)
        {
            var ip = IpamJson.ParseIpMaybeCidr(value.Trim(), path);
            if (!result.Contains(ip)) result.Add(ip);
        }
        return result;
    }
}
