using Cni.Linux.Netlink;
using Cni.Sdk;

namespace Cni.Plugins.Bridge;

/// <summary>
/// Bridge-port settings that live in the AF_BRIDGE netlink family (IFLA_PROTINFO port flags and
/// IFLA_AF_SPEC VLAN entries): `bridge link set dev X hairpin on isolated on` and `bridge vlan add|del`.
/// An interface because Cni.Linux does not expose them yet (see <see cref="KernelBridgePorts"/>), and so
/// the plugin's step order can be tested without them.
/// </summary>
public interface IBridgePorts
{
    /// <summary>`bridge link set dev PORT hairpin on|off isolated on|off`.</summary>
    void SetPortFlags(RouteNetlink hostNl, int portIndex, bool hairpin, bool isolated);

    /// <summary>
    /// Makes <paramref name="portIndex"/> an access port of <paramref name="vlan"/> (PVID + untagged) and a
    /// tagged member of every <paramref name="trunk"/> range; without <paramref name="vlan"/>, VLAN 1 stays
    /// the untagged PVID. Unless <paramref name="preserveDefaultVlan"/>, the port's existing entries (the
    /// kernel's default VLAN 1) are removed first.
    /// </summary>
    void ConfigureVlans(RouteNetlink hostNl, int portIndex, int vlan, IReadOnlyList<VlanRange> trunk, bool preserveDefaultVlan);
}

/// <summary>
/// The production <see cref="IBridgePorts"/>. Cni.Linux has no AF_BRIDGE port API yet (RTM_SETLINK with
/// IFLA_PROTINFO / IFLA_AF_SPEC + IFLA_BRIDGE_VLAN_INFO), and a plugin must not build netlink bytes itself,
/// so a config that needs one of these settings fails up front with code 2 naming the key, before anything
/// is created. Plain ports (the common case) never call this.
/// </summary>
public sealed class KernelBridgePorts : IBridgePorts
{
    public void SetPortFlags(RouteNetlink hostNl, int portIndex, bool hairpin, bool isolated)
    {
        if (hairpin || isolated) throw Unsupported(hairpin ? "hairpinMode" : "portIsolation", "bridge port flags (IFLA_PROTINFO)");
    }

    public void ConfigureVlans(RouteNetlink hostNl, int portIndex, int vlan, IReadOnlyList<VlanRange> trunk, bool preserveDefaultVlan)
    {
        if (vlan != 0 || trunk.Count > 0) throw Unsupported(vlan != 0 ? "vlan" : "vlanTrunk", "bridge VLAN entries (IFLA_AF_SPEC)");
    }

    /// <summary>Whether this implementation can serve <paramref name="config"/>; checked before ADD creates anything.</summary>
    public static void EnsureSupported(BridgeConfig config)
    {
        if (config.HairpinMode) throw Unsupported("hairpinMode", "bridge port flags (IFLA_PROTINFO)");
        if (config.PortIsolation) throw Unsupported("portIsolation", "bridge port flags (IFLA_PROTINFO)");
        if (config.Vlan != 0) throw Unsupported("vlan", "bridge VLAN entries (IFLA_AF_SPEC)");
        if (config.VlanTrunk.Count > 0) throw Unsupported("vlanTrunk", "bridge VLAN entries (IFLA_AF_SPEC)");
    }

    private static CniException Unsupported(string key, string what)
        => new(CniErrorCode.UnsupportedField, $"\"{key}\" is not supported by this build: the kernel layer has no {what} yet");
}
