using System.Globalization;

namespace Cni.Bench;

// Rows for the attachment plugins: bridge with ipMasq, the podman chain, macvlan. Every side of every row gets
// its own HostNetwork (host namespace the plugins run in, container namespaces, IPAM data dir); the bridge
// name differs per side too, so a leak from one side can never be mistaken for the other's state.
internal static partial class Rows
{
    private static string BridgeName(Side side) => side.Name == "ours" ? "cnib-o0" : "cnib-r0";

    /// <summary>bridge + host-local with ipMasq, as a gateway: the reference programs masquerade with iptables.</summary>
    private static string BridgeConfig(Side side, HostNetwork host, string network, string subnet) =>
        $$$"""{"cniVersion":"{{{CniVersion}}}","name":"{{{network}}}","type":"bridge","bridge":"{{{BridgeName(side)}}}","isGateway":true,"ipMasq":true,"ipam":{"type":"host-local","dataDir":"{{{host.DataDir}}}","ranges":[[{"subnet":"{{{subnet}}}"}]]}}""";

    private static Call BridgeCall(string command, Side side, HostNetwork host, string config, int i) =>
        new(command, config, host.ContainerId(i)) { Netns = host.Container(i), HostNetns = host.HostNetns };

    private static IEnumerable<Row> BridgeRows()
    {
        yield return BridgeRow("bridge ADD, ipMasq", "badd", Goal.RatioAtMost(0.25), timedAdd: true);
        yield return BridgeRow("bridge DEL, ipMasq", "bdel", Goal.RatioAtMost(0.10), timedAdd: false);
        yield return new Row("bridge 50 parallel ADDs (batch)", "bridge", Goal.RatioAtMost(0.25), side =>
        {
            var host = HostNetwork.Create(side, "bpar", containers: 50);
            var config = BridgeConfig(side, host, "bench-bpar", "10.91.0.0/16");
            return new Fixture
            {
                Timed = i => BridgeCall("ADD", side, host, config, i),
                After = i => BridgeCall("DEL", side, host, config, i),
                Teardown = host.Dispose,
            };
        }, NeedsNetns: true)
        { AlsoNeeds = ["host-local"], Parallel = 50, Iterations = 10, Warmup = 1 };
    }

    private static Row BridgeRow(string name, string tag, Goal goal, bool timedAdd)
        => new(name, "bridge", goal, side =>
        {
            var host = HostNetwork.Create(side, tag, containers: 1);
            var config = BridgeConfig(side, host, "bench-" + tag, "10.90.0.0/16");
            Call Add(int i) => BridgeCall("ADD", side, host, config, i);
            Call Del(int i) => BridgeCall("DEL", side, host, config, i);
            return timedAdd
                ? new Fixture { Timed = Add, After = Del, Teardown = host.Dispose }
                : new Fixture { Before = Add, Timed = Del, Teardown = host.Dispose };
        }, NeedsNetns: true)
        { AlsoNeeds = ["host-local"] };

    /// <summary>
    /// 1000 containers on one network, no DEL in between: the report compares the last 100 ADDs with the first
    /// 100 (the reference's iptables calls slow down as the nat table grows).
    /// </summary>
    private static Row BridgeThousand()
        => new("bridge ADD x1000 containers", "bridge", Goal.None, side =>
        {
            var host = HostNetwork.Create(side, "bk", containers: 1000);
            var config = BridgeConfig(side, host, "bench-bk", "10.92.0.0/16");
            return new Fixture { Timed = i => BridgeCall("ADD", side, host, config, i), Teardown = host.Dispose };
        }, NeedsNetns: true)
        { AlsoNeeds = ["host-local"], Iterations = 1000, Warmup = 0, SeriesWindow = 100 };

    // ---- the podman chain -------------------------------------------------------------------------------

    private const string PodmanNetwork = "bench-podman";

    /// <summary>
    /// bridge(+host-local) -> portmap -> firewall -> tuning, as a runtime runs a podman network: each plugin gets
    /// the previous one's result as prevResult; DEL runs the chain in reverse with the ADD's final result.
    /// </summary>
    private static IEnumerable<Row> ChainRows()
    {
        yield return ChainRow("podman chain ADD", "padd", Goal.RatioAtMost(0.15), timedAdd: true);
        yield return ChainRow("podman chain DEL", "pdel", Goal.RatioAtMost(0.10), timedAdd: false);
    }

    private static readonly string[] ChainAfterBridge = ["portmap", "firewall", "tuning"];

    private static Row ChainRow(string name, string tag, Goal goal, bool timedAdd)
        => new(name, "bridge", goal, side =>
        {
            var host = HostNetwork.Create(side, tag, containers: 1);
            var bridge = $$$"""{"cniVersion":"{{{CniVersion}}}","name":"{{{PodmanNetwork}}}","type":"bridge","bridge":"{{{BridgeName(side)}}}","isGateway":true,"ipMasq":true,"hairpinMode":true,"ipam":{"type":"host-local","dataDir":"{{{host.DataDir}}}","routes":[{"dst":"0.0.0.0/0"}],"ranges":[[{"subnet":"10.93.0.0/16","gateway":"10.93.0.1"}]]}}""";
            var results = new Dictionary<int, string>();

            string Conf(string plugin, int i) => plugin switch
            {
                "bridge" => bridge,
                // Two published ports per container, distinct per container so no two attachments ever claim
                // the same one, whatever the iteration count.
                "portmap" => string.Create(CultureInfo.InvariantCulture,
                    $$$"""{"cniVersion":"{{{CniVersion}}}","name":"{{{PodmanNetwork}}}","type":"portmap","capabilities":{"portMappings":true},"runtimeConfig":{"portMappings":[{"hostPort":{{{20000 + 2 * (i % 20000)}}},"containerPort":80,"protocol":"tcp"},{"hostPort":{{{20001 + 2 * (i % 20000)}}},"containerPort":443,"protocol":"tcp"}]}}"""),
                _ => $$"""{"cniVersion":"{{CniVersion}}","name":"{{PodmanNetwork}}","type":"{{plugin}}"}""",
            };

            Call Step(string command, string plugin, int i, string? prevResult) =>
                new(command, prevResult is null ? Conf(plugin, i) : WithPrevResult(Conf(plugin, i), prevResult), host.ContainerId(i))
                {
                    Netns = host.Container(i),
                    HostNetns = host.HostNetns,
                    Plugin = plugin,
                };

            // ADD: bridge, then each later plugin with the previous stdout; the last stdout is the cached result.
            Call Add(int i) => Step("ADD", "bridge", i, null) with { Next = AddAfter(i, 0) };
            Func<string, Call?> AddAfter(int i, int k) => prev =>
            {
                if (k == ChainAfterBridge.Length)
                {
                    results[i] = prev;
                    return null;
                }
                return Step("ADD", ChainAfterBridge[k], i, prev) with { Next = AddAfter(i, k + 1) };
            };

            // DEL: tuning, firewall, portmap, bridge, every one with the ADD's final result.
            string[] delOrder = [.. ChainAfterBridge.Reverse(), "bridge"];
            Call Del(int i) => DelStep(i, 0);
            Call DelStep(int i, int k)
            {
                var prev = results[i];
                return Step("DEL", delOrder[k], i, prev) with
                {
                    Next = k + 1 < delOrder.Length ? _ => DelStep(i, k + 1) : _ => { results.Remove(i); return null; },
                };
            }

            return timedAdd
                ? new Fixture { Timed = Add, After = Del, Teardown = host.Dispose }
                : new Fixture { Before = Add, Timed = Del, Teardown = host.Dispose };
        }, NeedsNetns: true)
        { AlsoNeeds = ["host-local", .. ChainAfterBridge] };

    /// <summary>The config as a runtime hands it to a chained plugin: the same object plus "prevResult".</summary>
    private static string WithPrevResult(string config, string prevResult)
        => config[..config.LastIndexOf('}')] + ",\"prevResult\":" + prevResult.Trim() + "}";

    // ---- macvlan ------------------------------------------------------------------------------------------

    private static IEnumerable<Row> MacvlanRows()
    {
        yield return MacvlanRow("macvlan ADD", "madd", Goal.RatioAtMost(0.5), timedAdd: true);
        yield return MacvlanRow("macvlan DEL", "mdel", Goal.RatioAtMost(0.3), timedAdd: false);
    }

    /// <summary>macvlan + host-local; the master is one end of a veth pair inside the host namespace.</summary>
    private static Row MacvlanRow(string name, string tag, Goal goal, bool timedAdd)
        => new(name, "macvlan", goal, side =>
        {
            var host = HostNetwork.Create(side, tag, containers: 1,
                "link add bmv0 type veth peer name bmv0p", "link set bmv0 up", "link set bmv0p up");
            var config = $$$"""{"cniVersion":"{{{CniVersion}}}","name":"bench-{{{tag}}}","type":"macvlan","master":"bmv0","mode":"bridge","ipam":{"type":"host-local","dataDir":"{{{host.DataDir}}}","ranges":[[{"subnet":"10.94.0.0/16"}]]}}""";
            Call Add(int i) => BridgeCall("ADD", side, host, config, i);
            Call Del(int i) => BridgeCall("DEL", side, host, config, i);
            return timedAdd
                ? new Fixture { Timed = Add, After = Del, Teardown = host.Dispose }
                : new Fixture { Before = Add, Timed = Del, Teardown = host.Dispose };
        }, NeedsNetns: true)
        { AlsoNeeds = ["host-local"] };
}
