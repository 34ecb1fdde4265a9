using Cni.Linux.Netns;

namespace Cni.Linux.Sysctl;

/// <summary>
/// Reads and writes /proc/sys keys. /proc/sys/net answers for the network namespace of the calling
/// *thread*, so the overloads taking a <see cref="NetNs"/> run inside it via <see cref="NetNs.Run{T}"/>.
/// Keys are accepted in dotted form ("net.ipv4.conf.eth0.arp_notify", like `sysctl -w`) or slash form
/// ("net/ipv4/conf/eth0.100/arp_notify"). In the dotted form an interface name may itself contain dots
/// (VLAN devices such as "eth0.100"): for net.ipv4|ipv6.conf|neigh.IFNAME.LEAF everything between the
/// fourth segment and the last one is the interface name.
/// </summary>
public static class ProcSys
{
    private const string Root = "/proc/sys/";

    /// <summary>`sysctl -n KEY` in the calling thread's namespace; the value without its trailing newline.</summary>
    public static string Read(string key)
    {
        string path = PathOf(key);
        try { return File.ReadAllText(path).TrimEnd('\n'); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"read sysctl {key} ({path}): {e.Message}", e);
        }
    }

    /// <summary>`sysctl -w KEY=VALUE` in the calling thread's namespace.</summary>
    public static void Write(string key, string value)
    {
        string path = PathOf(key);
        try
        {
            // One write() of the whole value: /proc/sys handlers parse each write separately.
            using var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            var bytes = System.Text.Encoding.ASCII.GetBytes(value);
            f.Write(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"write sysctl {key}={value} ({path}): {e.Message}", e);
        }
    }

    /// <summary>`ip netns exec NS sysctl -n KEY`.</summary>
    public static string Read(NetNs netns, string key) => netns.Run(() => Read(key));

    /// <summary>`ip netns exec NS sysctl -w KEY=VALUE`.</summary>
    public static void Write(NetNs netns, string key, string value) => netns.Run(() => Write(key, value));

    /// <summary>The /proc/sys path of <paramref name="key"/>; rejects keys that would escape /proc/sys.</summary>
    public static string PathOf(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        string relative = key.Contains('/') ? key.TrimStart('/') : DottedToPath(key);
        if (relative.Split('/').Any(s => s is "" or "." or ".."))
            throw new ArgumentException($"invalid sysctl key '{key}'", nameof(key));
        return Root + relative;
    }

    private static string DottedToPath(string key)
    {
        var parts = key.Split('.');
        // net.ipv4.conf.<if>.<leaf>, net.ipv6.neigh.<if>.<leaf>: the interface keeps its dots.
        if (parts.Length > 5 && parts[0] == "net" && parts[1] is "ipv4" or "ipv6" && parts[2] is "conf" or "neigh")
        {
            string iface = string.Join('.', parts[3..^1]);
            return $"{parts[0]}/{parts[1]}/{parts[2]}/{iface}/{parts[^1]}";
        }
        return string.Join('/', parts);
    }
}
