using Cni.Linux.Sysctl;
using Cni.Sdk;

namespace Cni.Plugins.Tuning;

/// <summary>
/// One <c>sysctl</c> entry, resolved: <see cref="Key"/> as the config wrote it (what the allow-list judges),
/// <see cref="Path"/> relative to /proc/sys in slash form with <c>IFNAME</c> already replaced, and the value.
/// </summary>
public sealed record SysctlSetting(string Key, string Path, string Value)
{
    /// <summary>The literal the reference replaces with CNI_IFNAME, so one config serves every interface.</summary>
    public const string IfNamePlaceholder = "IFNAME";

    /// <summary>
    /// Resolves <paramref name="key"/> (dotted like `sysctl -w`, or slash form for names with dots) to a path
    /// under /proc/sys/net. Anything that could land elsewhere (an absolute path, "." or ".." segments, empty
    /// segments, another subtree) is an invalid config, code 7: a network config may only tune the network
    /// namespace it is given, never the host.
    /// </summary>
    public static SysctlSetting Resolve(string key, string value, string ifName)
    {
        string k = key.Replace(IfNamePlaceholder, ifName, StringComparison.Ordinal);
        if (k.StartsWith('/'))
            throw Invalid(key, "absolute paths are not allowed; write the key relative to /proc/sys (net.… or net/…)");
        string relative;
        try
        {
            // ProcSys knows the dotted form's one subtlety: interface names with dots (eth0.100).
            relative = ProcSys.PathOf(k)["/proc/sys/".Length..];
        }
        catch (ArgumentException)
        {
            throw Invalid(key, "empty, \".\" or \"..\" path segment");
        }
        var segments = relative.Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
            throw Invalid(key, "empty, \".\" or \"..\" path segment");
        if (segments.Length < 2 || segments[0] != "net")
            throw Invalid(key, "only keys under /proc/sys/net/ (the network namespace) may be set");
        return new SysctlSetting(key, relative, value);
    }

    /// <summary>The full /proc/sys path, for messages.</summary>
    public string FullPath => "/proc/sys/" + Path;

    private static CniException Invalid(string key, string why)
        => new(CniErrorCode.InvalidNetworkConfig, $"invalid net sysctl key \"{key}\"", why);
}
