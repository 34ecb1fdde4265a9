namespace Cni.Bench;

// Rows for the vxlan plugin, which has no reference to race: its goal is our own bridge's p50 in the same run
// (vxlan attaches containers through the same code and adds the overlay device on top). The rows are
// ReferenceIsOurs: the "ref" column is OUR bridge with the same options (isGateway, ipMasq, host-local), and the
// two alternate call by call like ours and the reference do elsewhere, so a load change between rows cannot
// fake a pass or a miss. Both sides measure steady state: one pinned container stays attached, so the bridge
// (and vxlan device) exist before every timed call and the timed DEL never is the last one (which would also
// remove the devices).
internal static partial class Rows
{
    private const string VxlanUnderlay = "bvx0";

    /// <summary>vxlan over our bridge: at most 1.2 x (issue #7).</summary>
    private const double VxlanOverBridge = 1.2;

    private static IEnumerable<Row> VxlanRows()
    {
        yield return VxlanRow("vxlan ADD (ref: our bridge)", "vxadd", timedAdd: true);
        yield return VxlanRow("vxlan DEL (ref: our bridge)", "vxdel", timedAdd: false);
    }

    /// <summary>
    /// One row: the "ours" side runs our vxlan, the other side our bridge. Each side's host namespace gets an
    /// underlay (a veth end with 192.0.2.1/24), used by the VTEP.
    /// </summary>
    private static Row VxlanRow(string name, string tag, bool timedAdd)
        => new(name, "vxlan", Goal.RatioAtMost(VxlanOverBridge), side =>
        {
            var host = HostNetwork.Create(side, tag, containers: 2,
                $"link add {VxlanUnderlay} type veth peer name {VxlanUnderlay}p", $"addr add 192.0.2.1/24 dev {VxlanUnderlay}",
                $"link set {VxlanUnderlay} up", $"link set {VxlanUnderlay}p up");
            bool runVxlan = side.Name == "ours";
            var config = runVxlan ? VxlanConfig(host) : BridgeConfig(side, host, "bench-" + tag, "10.95.0.0/16");
            Call On(string command, string id, int container) =>
                new(command, config, id) { Netns = host.Container(container), HostNetns = host.HostNetns, Plugin = runVxlan ? "vxlan" : "bridge" };
            // Container 1 holds the pinned attachment, container 0 the timed ones.
            Call Pin() => On("ADD", host.IdPrefix + "-pin", 1);
            Call Add(int i) => On("ADD", host.ContainerId(i), 0);
            Call Del(int i) => On("DEL", host.ContainerId(i), 0);
            return timedAdd
                ? new Fixture { Before = i => i == 0 ? Pin() : null, Timed = Add, After = Del, Teardown = host.Dispose }
                : new Fixture { Before = i => i == 0 ? Pin() with { Next = _ => Add(i) } : Add(i), Timed = Del, Teardown = host.Dispose };
        }, NeedsNetns: true)
        { AlsoNeeds = ["bridge", "host-local"], ReferenceIsOurs = true };

    /// <summary>The bridge row's options on a VXLAN segment with two (absent) peers to flood to.</summary>
    private static string VxlanConfig(HostNetwork host) =>
        $$$"""{"cniVersion":"{{{CniVersion}}}","name":"bench-vxlan","type":"vxlan","vni":4242,"underlay":"{{{VxlanUnderlay}}}","peers":["192.0.2.2","192.0.2.3"],"stateDir":"{{{Path.Combine(host.DataDir, "vxlan-state")}}}","isGateway":true,"ipMasq":true,"ipam":{"type":"host-local","dataDir":"{{{host.DataDir}}}","ranges":[[{"subnet":"10.95.0.0/16"}]]}}""";
}
