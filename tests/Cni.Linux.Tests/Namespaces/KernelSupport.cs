using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

/// <summary>Skips when the kernel lacks a feature, by trying it with `ip` in a throwaway namespace.</summary>
internal static class KernelSupport
{
    public static void LinkKind(string kind) => Requires.LinkKind(kind);

    /// <summary>Bridge VLAN filtering needs CONFIG_BRIDGE_VLAN_FILTERING.</summary>
    public static void BridgeVlanFiltering()
    {
        Requires.Root();
        using var ns = TestNetns.Create("probe");
        var r = Sh.Run("ip", "-n", ns.Name, "link", "add", "probebr", "type", "bridge", "vlan_filtering", "1");
        Assert.SkipUnless(r.ExitCode == 0, $"needs bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING): {r.Stderr.Trim()}");
    }
}
