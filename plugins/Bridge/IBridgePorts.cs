using Cni.Linux.Netlink;
using Cni.Sdk;

namespace Cni.Plugins.Bridge;

/// <summary>
/// Bridge-port settings that live in the AF_BRIDGE netlink family (IFLA_PROTINFO port flags and
/// IFLA_AF_SPEC VLAN entries): `bridge link set dev X hairpin on isolated on` and `bridge vlan add|del`.
/// An interface so the plugin's step order can be tested without them.
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
/// The production <see cref="IBridgePorts"/>, over Cni.Linux's AF_BRIDGE port API. VLAN entries need a kernel
/// with bridge VLAN filtering; without it the kernel's EOPNOTSUPP fails the ADD, which then rolls back.
/// </summary>
public sealed class KernelBridgePorts : IBridgePorts
{
    public void SetPortFlags(RouteNetlink hostNl, int portIndex, bool hairpin, bool isolated)
        => Wrap("set bridge port flags", () => hostNl.SetBridgePort(portIndex,
            new BridgePortSettings { Hairpin = hairpin ? true : null, Isolated = isolated ? true : null }));

    public void ConfigureVlans(RouteNetlink hostNl, int portIndex, int vlan, IReadOnlyList<VlanRange> trunk, bool preserveDefaultVlan) => Wrap("configure port VLANs", () =>
    {
        // A new port starts as an untagged member of VLAN 1 (the default PVID); drop that unless asked to keep it.
        if (!preserveDefaultVlan)
            foreach (var v in hostNl.ListBridgeVlans(portIndex)) hostNl.DeleteBridgeVlan(new BridgeVlan(portIndex, v.Vid));
        if (vlan != 0) hostNl.AddBridgeVlan(new BridgeVlan(portIndex, (ushort)vlan) { Pvid = true, Untagged = true });
        foreach (var r in trunk)
            hostNl.AddBridgeVlan(new BridgeVlan(portIndex, (ushort)r.Min) { RangeEnd = r.Max > r.Min ? (ushort)r.Max : null });
        // A trunk without an access VLAN still carries untagged traffic in VLAN 1, as the reference does.
        if (vlan == 0 && trunk.Count > 0 && !preserveDefaultVlan)
            hostNl.AddBridgeVlan(new BridgeVlan(portIndex, 1) { Pvid = true, Untagged = true });
    });

    private static void Wrap(string what, Action step)
    {
        try { step(); }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to {what}", e.Message, e);
        }
    }
}
