using System.Text.Json;
using Cni.Plugins.Vxlan;
using Cni.Sdk;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Vxlan;

/// <summary>
/// One simulated host of a <see cref="VxlanLab"/>: a throwaway namespace whose underlay link <c>up0</c>
/// (192.168.77.1N/24, default route) is plugged into the lab's switch, with its own plugin state dir and
/// host-local data dir, as separate machines would have.
/// </summary>
public sealed class VxlanHost
{
    public required int Number { get; init; }
    public required TestNetns Ns { get; init; }
    public required string Underlay { get; init; }
    public required string StateDir { get; init; }
    public required string DataDir { get; init; }

    /// <summary>Names of this host's links of one kind ("vxlan", "bridge", "veth").</summary>
    public List<string> Links(string kind)
        => Ns.IpJson("-d", "link", "show").EnumerateArray()
            .Where(l => l.TryGetProperty("linkinfo", out var li) && li.GetProperty("info_kind").GetString() == kind)
            .Select(l => l.GetProperty("ifname").GetString()!).ToList();

    /// <summary>`ip -d -j link show DEV` of one link.</summary>
    public JsonElement Link(string dev) => Ns.IpJson("-d", "link", "show", "dev", dev)[0];

    /// <summary>The remote VTEPs of the all-zero-MAC (flooding) entries on <paramref name="dev"/>, from `bridge -j fdb show`.</summary>
    public List<string> FloodPeers(string dev)
    {
        var r = Sh.Run("bridge", "-n", Ns.Name, "-j", "fdb", "show", "dev", dev).EnsureSuccess("bridge fdb show");
        var all = JsonDocument.Parse(string.IsNullOrWhiteSpace(r.Stdout) ? "[]" : r.Stdout).RootElement;
        return all.EnumerateArray()
            .Where(e => e.GetProperty("mac").GetString() == "00:00:00:00:00:00" && e.TryGetProperty("dst", out _))
            .Select(e => e.GetProperty("dst").GetString()!).Order().ToList();
    }

    public List<string> Leases(string network) => Repo.HostLocalLeases(DataDir, network);
}

/// <summary>
/// Several "hosts" joined by an underlay: a fourth "switch" namespace holds a plain bridge (multicast
/// snooping off, like an unmanaged switch) and one veth into each host namespace. The vxlan plugin runs inside
/// a host namespace exactly as a runtime on that host runs it: the published binary through `ip netns exec`,
/// or in-process on a thread switched into it. Containers are throwaway namespaces. Dispose removes every
/// namespace (and with them every link) and the temp dir, also when the test failed.
/// </summary>
public sealed class VxlanLab : IDisposable
{
    public const string Subnet = "10.77.0.0/16";
    private readonly List<TestNetns> _namespaces = [];
    private readonly object _lock = new();

    public TestNetns Switch { get; }
    public List<VxlanHost> Hosts { get; } = [];
    public string TempDir { get; }
    public string IpamPath { get; }
    public string Version { get; }

    /// <summary>Whether the underlay is IPv6 (fd00:77::1N/64) instead of IPv4 (192.168.77.1N/24).</summary>
    public bool Ipv6Underlay { get; }

    public VxlanLab(int hosts = 3, bool needOurIpam = false, bool ipv6Underlay = false)
    {
        Ipv6Underlay = ipv6Underlay;
        Requires.Root();
        Requires.LinkKind("vxlan");
        Requires.Binary("/usr/sbin/bridge", "FDB read-back; Debian package iproute2");
        if (needOurIpam) Requires.Binary(Path.Combine(Repo.OutBin, "host-local"), "GC/STATUS need our host-local (1.1.0): run ./build.sh build");
        (IpamPath, Version) = Repo.HostLocalIpam("vxlan tests delegate IPAM to a host-local binary");
        TempDir = Directory.CreateTempSubdirectory("cni-vxlan-test-").FullName;
        try
        {
            Switch = Track(TestNetns.Create("vxsw"));
            Switch.Ip("link", "add", "sw0", "type", "bridge", "mcast_snooping", "0");
            Switch.Ip("link", "set", "sw0", "up");
            for (int i = 1; i <= hosts; i++) Hosts.Add(AddHost(i));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private VxlanHost AddHost(int n)
    {
        var ns = Track(TestNetns.Create($"vxh{n}"));
        Switch.Ip("link", "add", $"port{n}", "type", "veth", "peer", "name", "up0", "netns", ns.Name);
        Switch.Ip("link", "set", $"port{n}", "master", "sw0", "up");
        string ip = Ipv6Underlay ? $"fd00:77::{10 + n}" : $"192.168.77.{10 + n}";
        if (Ipv6Underlay) ns.Ip("addr", "add", ip + "/64", "dev", "up0", "nodad");
        else ns.Ip("addr", "add", ip + "/24", "dev", "up0");
        ns.Ip("link", "set", "up0", "up");
        ns.Ip(Ipv6Underlay ? "-6" : "-4", "route", "add", "default", "dev", "up0");
        var dir = Path.Combine(TempDir, $"h{n}");
        return new VxlanHost
        {
            Number = n, Ns = ns, Underlay = ip,
            StateDir = Path.Combine(dir, "state"), DataDir = Path.Combine(dir, "ipam"),
        };
    }

    public TestNetns NewContainer(string tag = "vxc") => Track(TestNetns.Create(tag));

    private TestNetns Track(TestNetns ns)
    {
        lock (_lock) _namespaces.Add(ns);
        return ns;
    }

    /// <summary>
    /// A vxlan config for <paramref name="host"/>: one subnet across hosts, host N allocating from its own
    /// slice 10.77.N.0/24 of it (host-local's usual per-host range). <paramref name="peers"/> null = every host;
    /// <paramref name="extra"/> is raw JSON members; <paramref name="slice"/> another /24 of the subnet than the host number.
    /// </summary>
    public string Conf(VxlanHost host, int vni = 4242, string name = "vxnet", string extra = "\"isGateway\":true",
        IEnumerable<string>? peers = null, string subnet = Subnet, string? version = null, int? slice = null)
    {
        int n = slice ?? host.Number;
        var prefix = subnet.Split('.')[0] + "." + subnet.Split('.')[1];
        string ipam = $$"""{"type":"host-local","dataDir":"{{host.DataDir}}","ranges":[[{"subnet":"{{subnet}}","rangeStart":"{{prefix}}.{{n}}.2","rangeEnd":"{{prefix}}.{{n}}.254","gateway":"{{prefix}}.{{n}}.1"}]]}""";
        var peerList = peers ?? Hosts.Select(h => h.Underlay);
        string members = $$"""
            "cniVersion":"{{version ?? Version}}","name":"{{name}}","type":"vxlan","vni":{{vni}},"stateDir":"{{host.StateDir}}"
            """.Trim();
        if (peers is not null || !extra.Contains("\"group\"", StringComparison.Ordinal))
            members += ",\"peers\":[" + string.Join(",", peerList.Select(p => $"\"{p}\"")) + "]";
        if (extra.Length > 0) members += "," + extra;
        return "{" + members + ",\"ipam\":" + ipam + "}";
    }

    /// <summary>Runs one verb on <paramref name="host"/>: the published binary when <paramref name="binary"/>, else in-process.</summary>
    public ExecResult Run(VxlanHost host, string command, string containerId, TestNetns? container, string conf,
        bool binary = false, string ifName = "eth0")
    {
        var env = InProcess.Env(command, containerId, container?.Path, ifName, null, IpamPath);
        if (!binary) return InProcess.RunIn(host.Ns, new VxlanPlugin(), env, conf);
        return host.Ns.Exec(Repo.Plugin("vxlan"), [], env.ToDictionary(kv => kv.Key, kv => (string?)kv.Value), conf);
    }

    /// <summary>ADD that must succeed; returns the parsed result.</summary>
    public JsonElement Add(VxlanHost host, string containerId, TestNetns container, string conf, bool binary = false)
    {
        var r = Run(host, "ADD", containerId, container, conf, binary);
        Assert.True(r.ExitCode == 0, $"ADD {containerId} on h{host.Number} failed: {r.Stdout} {r.Stderr}");
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    /// <summary>The error code a failed verb printed.</summary>
    public static int Code(ExecResult r)
    {
        Assert.True(r.ExitCode != 0, "expected a failure, got: " + r.Stdout);
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("code").GetInt32();
    }

    /// <summary>The config with the ADD result as prevResult (what a runtime sends to CHECK and DEL).</summary>
    public static string WithPrev(string conf, JsonElement result) => conf[..^1] + ",\"prevResult\":" + result.GetRawText() + "}";

    /// <summary>The container's IPv4 address from an ADD result.</summary>
    public static string Address(JsonElement result)
        => result.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("address").GetString()!)
            .First(a => !a.Contains(':')).Split('/')[0];

    public void Dispose()
    {
        List<TestNetns> all;
        lock (_lock) all = [.. _namespaces];
        foreach (var ns in all.AsEnumerable().Reverse()) ns.Dispose();
        try { Directory.Delete(TempDir, recursive: true); }
        catch (IOException) { }
    }
}
