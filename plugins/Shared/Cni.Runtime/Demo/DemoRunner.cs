using System.Net;
using System.Text.Json;
using Cni.Linux.Netlink;
using Cni.Linux.Netns;
using Cni.Runtime.Cli;
using Cni.Sdk;

namespace Cni.Runtime.Demo;

/// <summary>
/// `cnictl demo`: the embedded network in throwaway namespaces, end to end. Two containers on a bridge, one
/// reaching the other, an HTTP request from the host through a published port, then DEL and proof that nothing
/// is left. Every plugin runs from a thread inside the demo's own "host" namespace, so the machine's own
/// interfaces, routes and firewall are never touched. Exit status 0 only when every step passed.
/// </summary>
internal static class DemoRunner
{
    private const int ContainerPort = 80, HostPort = 8080;
    private const string C1Mac = "02:00:0a:63:00:c1";
    private const string Body = "hello from c2";

    public static int Run(CnictlArgs args, TextWriter o)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            // Same rule as ./build.sh's other demos: without root there is nothing to show, which is not a failure.
            o.WriteLine("cnictl demo: skipped: creating network namespaces needs root (run: sudo out/bin/cnictl demo)");
            return 0;
        }
        var dirs = args.PluginDirsGiven ? args.PluginDirs : [AppContext.BaseDirectory.TrimEnd('/')];
        o.WriteLine($"cnictl demo: bridge + host-local + portmap + firewall + tuning, plugins from {string.Join(':', dirs)}");
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in DemoNetwork.Chain.Append("host-local"))
        {
            if (PluginLocator.Exists(type, dirs)) present.Add(type);
            else o.WriteLine($"  note: no \"{type}\" plugin there; the chain runs without it" +
                             (type == "portmap" ? " and the published-port step is skipped" : ""));
        }
        if (DemoNetwork.Required.FirstOrDefault(r => !present.Contains(r)) is { } missing)
        {
            o.WriteLine($"FAILED: the demo needs the {missing} plugin (run ./build.sh build, or pass --plugin-dir)");
            return 1;
        }

        using var world = new DemoScaffold();
        var demo = new Demo(o, world, new CniRuntime(dirs, world.CacheDir) { PluginStderr = Console.Error }, present);
        try
        {
            demo.RunSteps();
            o.WriteLine("demo passed: c1 reached c2" + (present.Contains("portmap") ? ", the host reached c2 through the published port" : "")
                        + ", nothing left behind");
            return 0;
        }
        catch (Exception e)
        {
            o.WriteLine($"FAILED at step {demo.StepNumber}: {e.Message}");
            if (e is CniException { Details: { } d }) o.WriteLine("  details: " + d);
            demo.CleanUpAfterFailure();
            return 1;
        }
    }

    private sealed class Demo(TextWriter o, DemoScaffold world, CniRuntime runtime, HashSet<string> present)
    {
        private readonly List<RuntimeConf> _added = [];
        private NetworkConfigList? _list;
        private string _version = "";

        public int StepNumber { get; private set; }

        public void RunSteps()
        {
            Step("scaffolding", () =>
            {
                world.CreateNamespaces();
                return $"namespaces host={world.Host} c1={world.C1} c2={world.C2}, state in {world.TempDir}";
            });
            Step("network", () =>
            {
                _version = ChooseVersion();
                _list = ConfLoader.ParseList(DemoNetwork.Conflist(_version, present, world.IpamDir, world.TuningDir), "demo network");
                return $"\"{_list.Name}\" cniVersion {_version}: {string.Join(" -> ", _list.Plugins.Select(p => p.Type))} (ipam host-local {DemoNetwork.Subnet})";
            });
            bool tuning = present.Contains("tuning"), portmap = present.Contains("portmap");
            Step("ADD c1" + (tuning ? $" (mac {C1Mac})" : ""), () => Add(world.C1, tuning ? C1Mac : null, publish: false));
            var c2 = Step("ADD c2" + (portmap ? $" (publish {HostPort}/tcp -> {ContainerPort})" : ""), () => Add(world.C2, null, portmap));
            Step("CHECK c1, c2", () =>
            {
                foreach (var rt in _added) InHost(() => runtime.Check(_list!, rt));
                return "ok";
            });
            using var host = NetNs.Open(DemoScaffold.PathOf(world.Host));
            using var ns1 = NetNs.Open(DemoScaffold.PathOf(world.C1));
            using var ns2 = NetNs.Open(DemoScaffold.PathOf(world.C2));
            using var server = NetProbe.Serve(ns2, ContainerPort, Body);
            Step($"c1 -> c2 ping {c2.Ip}", () =>
            {
                var reply = NetProbe.Ping(ns1, c2.Ip);
                if (reply.Status != System.Net.NetworkInformation.IPStatus.Success) throw new InvalidOperationException("ping: " + reply.Status);
                return $"reply in {reply.RoundtripTime} ms";
            });
            Step($"c1 -> c2 GET http://{c2.Ip}:{ContainerPort}/", () => Http(ns1, c2.Ip, ContainerPort));
            if (portmap)
                Step($"host -> published {c2.Gateway}:{HostPort} -> c2:{ContainerPort}", () => Http(host, c2.Gateway, HostPort));
            Step("DEL c2, DEL c1", () =>
            {
                foreach (var rt in Enumerable.Reverse(_added).ToList())
                {
                    InHost(() => runtime.Del(_list!, rt));
                    _added.Remove(rt);
                }
                return "ok";
            });
            Step("leftovers after DEL", () => CheckLeftovers(host, ns1, ns2));
            server.Dispose();
            host.Dispose();
            ns1.Dispose();
            ns2.Dispose();
            Step("teardown", () =>
            {
                var stuck = world.DeleteNamespaces();
                var remaining = new[] { world.Host, world.C1, world.C2 }.Where(n => File.Exists(DemoScaffold.PathOf(n))).ToList();
                if (stuck.Count > 0 || remaining.Count > 0) throw new InvalidOperationException("namespaces left: " + string.Join(' ', remaining));
                Directory.Delete(world.TempDir, recursive: true);
                if (Directory.Exists(world.TempDir)) throw new InvalidOperationException(world.TempDir + " still exists");
                return "3 namespaces deleted (their bridge and firewall tables with them), temp dir removed";
            });
        }

        /// <summary>Best effort after a failed step: DEL what was added, then the scaffold goes on Dispose.</summary>
        public void CleanUpAfterFailure()
        {
            foreach (var rt in Enumerable.Reverse(_added).ToList())
            {
                try
                {
                    InHost(() => runtime.Del(_list!, rt));
                }
                catch (Exception e)
                {
                    o.WriteLine($"  cleanup: DEL {rt.ContainerId} failed: {e.Message}");
                }
            }
            o.WriteLine("  cleanup: namespaces and temp dir removed");
        }

        private T Step<T>(string label, Func<T> action)
        {
            StepNumber++;
            var result = action();
            o.WriteLine($"[{StepNumber}] {label}: {result}");
            return result;
        }

        private void InHost(Action action)
        {
            using var ns = NetNs.Open(DemoScaffold.PathOf(world.Host));
            ns.Run(action);
        }

        /// <summary>The newest version every chain member supports (VERSION), so the demo also runs on older plugins.</summary>
        private string ChooseVersion()
        {
            var supported = present.Select(t => runtime.GetVersions(t)).ToList();
            foreach (var v in new[] { "1.1.0", "1.0.0", "0.4.0" })
                if (supported.All(s => s.Contains(v))) return v;
            throw new InvalidOperationException("the plugins share no version from 0.4.0 up");
        }

        private Added Add(string ns, string? mac, bool publish)
        {
            var rt = new RuntimeConf
            {
                ContainerId = CapabilityArgs.ContainerIdFor(ns),
                NetNs = DemoScaffold.PathOf(ns),
                IfName = "eth0",
                CapabilityArgs = CapabilityArgs.Build(publish ? [$"{HostPort}:{ContainerPort}/tcp"] : [], [], mac),
            };
            _added.Add(rt);
            JsonElement json = default;
            InHost(() => json = runtime.Add(_list!, rt));
            return Added.From(ResultJson.Decode(json, _version), rt, mac);
        }

        private static string Http(NetNs from, IPAddress ip, int port)
        {
            var (status, body) = NetProbe.Get(from, ip, port);
            if (!status.Contains(" 200 ", StringComparison.Ordinal) || body != Body)
                throw new InvalidOperationException($"unexpected answer: {status} \"{body}\"");
            return $"{status} \"{body}\"";
        }

        private string CheckLeftovers(NetNs host, NetNs ns1, NetNs ns2)
        {
            var problems = new List<string>();
            using (var nl = RouteNetlink.OpenIn(host))
            {
                var veths = nl.ListLinks().Where(l => l.Kind == "veth").Select(l => l.Name).ToList();
                if (veths.Count > 0) problems.Add("host veths " + string.Join(' ', veths));
            }
            foreach (var (name, ns) in new[] { ("c1", ns1), ("c2", ns2) })
            {
                using var nl = RouteNetlink.OpenIn(ns);
                if (nl.TryGetLink("eth0", out _)) problems.Add($"eth0 still in {name}");
            }
            // A lease is a file named by its address (our host-local's owner index holds hard links to those, so
            // they are counted too); lock, the round-robin cursors and the index's state stamp are bookkeeping.
            var leases = Files(world.IpamDir).Where(f => IPAddress.TryParse(Path.GetFileName(f), out _)).ToList();
            if (leases.Count > 0) problems.Add("leases " + string.Join(' ', leases.Select(Path.GetFileName)));
            if (Files(world.TuningDir).Count > 0) problems.Add("tuning state files");
            if (Files(runtime.Cache.ResultsDir).Count > 0) problems.Add("result cache files");
            if (problems.Count > 0) throw new InvalidOperationException("left behind: " + string.Join("; ", problems));
            return "no veth in host ns, no eth0 in c1/c2, no lease, no tuning state, no cache entry";
        }

        private static List<string> Files(string dir)
            => Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToList() : [];
    }

    /// <summary>What an ADD produced, for one readable line and the later steps.</summary>
    private sealed record Added(IPAddress Ip, IPAddress Gateway, string Line)
    {
        public static Added From(Result r, RuntimeConf rt, string? wantedMac)
        {
            int idx = r.Interfaces.FindIndex(i => i.Sandbox == rt.NetNs);
            var iface = idx >= 0 ? r.Interfaces[idx] : throw new InvalidOperationException("result has no interface in " + rt.NetNs);
            var ip = r.Ips.FirstOrDefault(i => i.Interface == idx && i.Address.IsIPv4)
                     ?? throw new InvalidOperationException("result has no IPv4 address on " + iface.Name);
            if (wantedMac is not null && !string.Equals(iface.Mac, wantedMac, StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"mac is {iface.Mac}, tuning should have set {wantedMac}");
            var hostVeth = r.Interfaces.FirstOrDefault(i => i.Sandbox is null && i.Name != DemoNetwork.Bridge)?.Name ?? "?";
            var gateway = ip.Gateway ?? throw new InvalidOperationException("result has no gateway");
            var line = $"{iface.Name} {ip.Address} mac {iface.Mac}, gw {gateway}, host side {hostVeth} on {DemoNetwork.Bridge}";
            return new Added(ip.Address.Address, gateway, line);
        }

        public override string ToString() => Line;
    }
}
