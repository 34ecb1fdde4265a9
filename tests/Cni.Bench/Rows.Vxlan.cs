namespace Cni.Bench;

// Rows for the vxlan plugin, which has no reference to race: its goal is our own bridge's p50 in the same run
// (vxlan attaches containers through the same code and adds the overlay device on top). "vxlan baseline:
// bridge ADD/DEL" measure our bridge with the same options (isGateway, ipMasq, host-local); the vxlan rows
// name them as Baseline, and the report prints ours(vxlan)/ours(bridge) against <= 1.2. In the vxlan rows'
// own table line the reference column is the reference *bridge* with the same config, for scale only.
// Both measure steady state: one pinned container stays attached, so the bridge (and vxlan device) exist
// before every timed call and the timed DEL never is the last one (which would also remove the devices).
internal static partial class Rows
{
    private const string VxlanUnderlay = "bvx0";

    private static IEnumerable<Row> VxlanRows()
    {
        // Each vxlan row right after its baseline: rows run one after the other, and on a busy machine the load
        // can change between two rows by as much as the difference we want to see.
        yield return VxlanRow("vxlan baseline: bridge ADD", "vbadd", vxlan: false, timedAdd: true);
        yield return VxlanRow("vxlan ADD", "vxadd", vxlan: true, timedAdd: true) with { Baseline = "vxlan baseline: bridge ADD" };
        yield return VxlanRow("vxlan baseline: bridge DEL", "vbdel", vxlan: false, timedAdd: false);
        yield return VxlanRow("vxlan DEL", "vxdel", vxlan: true, timedAdd: false) with { Baseline = "vxlan baseline: bridge DEL" };
    }

    /// <summary>
    /// One row; <paramref name="vxlan"/> runs our vxlan on the "ours" side (the reference side always runs
    /// its bridge). The host namespace gets an underlay (a veth end with 192.0.2.1/24) for the VTEP.
    /// </summary>
    private static Row VxlanRow(string name, string tag, bool vxlan, bool timedAdd)
        => new(name, "bridge", Goal.None, side =>
        {
            var host = HostNetwork.Create(side, tag, containers: 2,
                $"link add {VxlanUnderlay} type veth peer name {VxlanUnderlay}p", $"addr add 192.0.2.1/24 dev {VxlanUnderlay}",
                $"link set {VxlanUnderlay} up", $"link set {VxlanUnderlay}p up");
            bool runVxlan = vxlan && side.Name == "ours";
            var config = runVxlan ? VxlanConfig(host) : BridgeConfig(side, host, "bench-" + tag, "10.95.0.0/16");
            Call On(string command, string id, int container) =>
                new(command, config, id) { Netns = host.Container(container), HostNetns = host.HostNetns, Plugin = runVxlan ? "vxlan" : null };
            // Container 1 holds the pinned attachment, container 0 the timed ones.
            Call Pin() => On("ADD", host.IdPrefix + "-pin", 1);
            Call Add(int i) => On("ADD", host.ContainerId(i), 0);
            Call Del(int i) => On("DEL", host.ContainerId(i), 0);
            return timedAdd
                ? new Fixture { Before = i => i == 0 ? Pin() : null, Timed = Add, After = Del, Teardown = host.Dispose }
                : new Fixture { Before = i => i == 0 ? Pin() with { Next = _ => Add(i) } : Add(i), Timed = Del, Teardown = host.Dispose };
        }, NeedsNetns: true)
        { AlsoNeeds = ["host-local"] };

    /// <summary>The bridge row's options on a VXLAN segment with two (absent) peers to flood to.</summary>
    private static string VxlanConfig(HostNetwork host) =>
        $$$"""{"cniVersion":"{{{CniVersion}}}","name":"bench-vxlan","type":"vxlan","vni":4242,"underlay":"{{{VxlanUnderlay}}}","peers":["192.0.2.2","192.0.2.3"],"stateDir":"{{{Path.Combine(host.DataDir, "vxlan-state")}}}","isGateway":true,"ipMasq":true,"ipam":{"type":"host-local","dataDir":"{{{host.DataDir}}}","ranges":[[{"subnet":"10.95.0.0/16"}]]}}""";
}
