using Xunit;

namespace Cni.TestKit;

/// <summary>Skips a test, with a reason that names what is missing, when the machine cannot run it.</summary>
public static class Requires
{
    public static bool IsRoot => Environment.UserName == "root" || GetEuid() == 0;

    private static uint GetEuid()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                    return uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2]);
        }
        catch (IOException) { }
        return uint.MaxValue;
    }

    /// <summary>Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) to create namespaces and links.</summary>
    public static void Root() => Assert.SkipUnless(IsRoot, "needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN to create network namespaces)");

    /// <summary>Needs an executable at <paramref name="path"/>.</summary>
    public static void Binary(string path, string why) => Assert.SkipUnless(File.Exists(path), $"needs {path} ({why})");

    /// <summary>
    /// Needs a link kind the kernel may lack (ipvlan, vlan, dummy, vxlan...): tries to create one in a throwaway
    /// namespace, with the arguments each kind insists on (vxlan needs an id, macvlan/ipvlan/vlan a parent), so a
    /// missing argument is never mistaken for a missing module.
    /// </summary>
    public static void LinkKind(string kind)
    {
        Root();
        using var ns = TestNetns.Create("probe");
        ns.Ip("link", "add", "probeparent", "type", "veth", "peer", "name", "probepeer");
        string[] args = kind switch
        {
            "vxlan" => ["link", "add", "probe0", "type", "vxlan", "id", "1", "dstport", "4789"],
            "macvlan" or "ipvlan" => ["link", "add", "probe0", "link", "probeparent", "type", kind],
            "vlan" => ["link", "add", "probe0", "link", "probeparent", "type", "vlan", "id", "10"],
            _ => ["link", "add", "probe0", "type", kind],
        };
        var r = Sh.Run("ip", ["-n", ns.Name, .. args]);
        Assert.SkipUnless(r.ExitCode == 0, $"needs the kernel's {kind} link support (module {(kind == "vlan" ? "8021q" : kind)}): {r.Stderr.Trim()}");
    }
}
