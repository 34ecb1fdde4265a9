using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

/// <summary>
/// Skips when the kernel lacks a feature, by trying it with `ip` in a throwaway namespace. Unlike
/// TestKit's Requires.LinkKind, the probe passes the arguments each kind insists on (vxlan needs an id,
/// macvlan/ipvlan need a parent), so a missing argument is never mistaken for a missing module.
/// </summary>
internal static class KernelSupport
{
    public static void LinkKind(string kind)
    {
        Requires.Root();
        using var ns = TestNetns.Create("probe");
        ns.Ip("link", "add", "probeparent", "type", "veth", "peer", "name", "probepeer");
        string[] args = kind switch
        {
            "vxlan" => ["link", "add", "probe0", "type", "vxlan", "id", "1", "dstport", "4789"],
            "macvlan" or "ipvlan" => ["link", "add", "probe0", "link", "probeparent", "type", kind],
            _ => ["link", "add", "probe0", "type", kind],
        };
        var r = Sh.Run("ip", ["-n", ns.Name, .. args]);
        Assert.SkipUnless(r.ExitCode == 0, $"needs the kernel's {kind} link support (module {kind}): {r.Stderr.Trim()}");
    }

    /// <summary>Bridge VLAN filtering needs CONFIG_BRIDGE_VLAN_FILTERING.</summary>
    public static void BridgeVlanFiltering()
    {
        Requires.Root();
        using var ns = TestNetns.Create("probe");
        var r = Sh.Run("ip", "-n", ns.Name, "link", "add", "probebr", "type", "bridge", "vlan_filtering", "1");
        Assert.SkipUnless(r.ExitCode == 0, $"needs bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING): {r.Stderr.Trim()}");
    }
}
