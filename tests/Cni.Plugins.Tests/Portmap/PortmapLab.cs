using System.Text.Json;
using Cni.Plugins.Bridge;
using Cni.Plugins.Portmap;
using Cni.Sdk;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Portmap;

/// <summary>
/// One portmap test's world, all throwaway: a "host" namespace where the plugins run, an "outside" namespace
/// standing for another machine on the host's uplink (host 192.168.77.1 / fd77::1, outside .2 / ::2), and
/// containers attached by our bridge plugin (host-local IPAM) exactly as a runtime chains them. Removed on
/// Dispose, also when the test failed.
/// </summary>
public sealed class PortmapLab : IDisposable
{
    public const string HostV4 = "192.168.77.1", HostV4Second = "192.168.77.3", HostV6 = "fd77::1";
    private readonly List<TestNetns> _containers = [];
    private readonly List<IDisposable> _probes = [];

    public TestNetns Host { get; }
    public TestNetns Outside { get; }
    public string DataDir { get; }
    public string IpamPath { get; }
    public string Version { get; }

    public PortmapLab()
    {
        Requires.Root();
        (IpamPath, Version) = Repo.HostLocalIpam("the bridge plugin delegates IPAM to a host-local binary");
        DataDir = Directory.CreateTempSubdirectory("cnit-portmap-").FullName;
        Host = TestNetns.Create("pmh");
        Outside = TestNetns.Create("pmo");
        Host.Ip("link", "add", "up0", "type", "veth", "peer", "name", "eth0", "netns", Outside.Name);
        Host.Ip("addr", "add", HostV4 + "/24", "dev", "up0");
        Host.Ip("addr", "add", HostV4Second + "/24", "dev", "up0");
        Host.Ip("addr", "add", HostV6 + "/64", "dev", "up0", "nodad");
        Host.Ip("link", "set", "up0", "up");
        Outside.Ip("addr", "add", "192.168.77.2/24", "dev", "eth0");
        Outside.Ip("addr", "add", "fd77::2/64", "dev", "eth0", "nodad");
        Outside.Ip("link", "set", "eth0", "up");
    }

    /// <summary>A bridge+host-local config for the first plugin of the chain (dual stack when <paramref name="v6"/>).</summary>
    public string BridgeConf(string network = "pmnet", bool v6 = false, string bridge = "cnipm0", string subnet = "10.77.0.0/24")
    {
        string ranges = "[{\"subnet\":\"" + subnet + "\"}]" + (v6 ? ",[{\"subnet\":\"fd00:77::/64\"}]" : "");
        return "{\"cniVersion\":\"" + Version + "\",\"name\":\"" + network + "\",\"type\":\"bridge\",\"bridge\":\"" + bridge
            + "\",\"isDefaultGateway\":true,\"hairpinMode\":true,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + DataDir + "\",\"ranges\":[" + ranges + "]}}";
    }

    /// <summary>A portmap config with its keys (<paramref name="extra"/>), portMappings and prevResult (each optional).</summary>
    public string PortmapConf(JsonElement? prev, string mappings = "", string extra = "", string network = "pmnet", string? version = null)
    {
        string members = $"\"cniVersion\":\"{version ?? Version}\",\"name\":\"{network}\",\"type\":\"portmap\",\"capabilities\":{{\"portMappings\":true}}";
        if (extra.Length > 0) members += "," + extra;
        if (mappings.Length > 0) members += ",\"runtimeConfig\":{\"portMappings\":[" + mappings + "]}";
        if (prev is { } p) members += ",\"prevResult\":" + p.GetRawText();
        return "{" + members + "}";
    }

    public static string Map(int host, int container, string protocol = "tcp", string? hostIp = null)
        => $"{{\"hostPort\":{host},\"containerPort\":{container},\"protocol\":\"{protocol}\"" + (hostIp != null ? $",\"hostIP\":\"{hostIp}\"" : "") + "}";

    /// <summary>A new container attached with the bridge plugin; returns its namespace and the bridge's result.</summary>
    public (TestNetns Ns, JsonElement Result) Container(string id, bool v6 = false, string network = "pmnet", string bridge = "cnipm0", string subnet = "10.77.0.0/24")
    {
        var ns = TestNetns.Create("pmc");
        _containers.Add(ns);
        var r = Run(new BridgePlugin(), "ADD", id, ns.Path, BridgeConf(network, v6, bridge, subnet));
        Assert.True(r.ExitCode == 0, $"bridge ADD {id}: {r.Stdout} {r.Stderr}");
        return (ns, JsonDocument.Parse(r.Stdout).RootElement.Clone());
    }

    /// <summary>A responder answering "NAME PEER" on <paramref name="port"/> in <paramref name="ns"/>.</summary>
    public void Serve(TestNetns ns, string name, int port) => _probes.Add(PortProbe.Start(ns, name, port));

    public ExecResult Run(ICniPlugin plugin, string command, string id, string? netns, string conf, string ifName = "eth0")
        => InProcess.RunIn(Host, plugin, InProcess.Env(command, id, netns, ifName, null, IpamPath), conf);

    public ExecResult Portmap(string command, string id, string? netns, string conf, string ifName = "eth0")
        => Run(new PortmapPlugin(), command, id, netns, conf, ifName);

    /// <summary>ADD that must succeed.</summary>
    public JsonElement PortmapAdd(string id, TestNetns ns, string conf)
    {
        var r = Portmap("ADD", id, ns.Path, conf);
        Assert.True(r.ExitCode == 0, $"portmap ADD {id}: {r.Stdout} {r.Stderr}");
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    /// <summary>The rules of `inet cni_portmap` in the host namespace as `nft -j` objects (empty without the table).</summary>
    public List<JsonElement> NftRules()
    {
        var r = Host.Exec("nft", "-j", "list", "table", "inet", "cni_portmap");
        if (r.ExitCode != 0) return [];
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out _)).Select(e => e.GetProperty("rule").Clone()).ToList();
    }

    /// <summary>The comments of those rules.</summary>
    public List<string> NftComments() => NftRules().Select(r => r.TryGetProperty("comment", out var c) ? c.GetString()! : "").ToList();

    /// <summary>`iptables-save -t nat` (or ip6tables-save) of the host namespace.</summary>
    public string IptablesNat(bool v6 = false) => Host.Exec(v6 ? "ip6tables-save" : "iptables-save", "-t", "nat").Stdout;

    /// <summary>The CNI error object printed by a failed run.</summary>
    public static (int Code, string Message) Error(ExecResult r)
    {
        var e = JsonDocument.Parse(r.Stdout).RootElement;
        return (e.GetProperty("code").GetInt32(), e.GetProperty("msg").GetString()!);
    }

    public static string Address(JsonElement result, int family = 4)
        => result.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("address").GetString()!)
            .First(a => a.Contains(':') == (family == 6)).Split('/')[0];

    public void Dispose()
    {
        foreach (var p in _probes) p.Dispose();
        foreach (var c in _containers) c.Dispose();
        Outside.Dispose();
        Host.Dispose();
        try { Directory.Delete(DataDir, recursive: true); }
        catch (IOException) { }
    }
}
