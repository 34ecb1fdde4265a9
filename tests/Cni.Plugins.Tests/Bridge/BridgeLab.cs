using System.Text.Json;
using Cni.Plugins.Bridge;
using Cni.Sdk;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Bridge;

/// <summary>
/// One bridge test's world: a throwaway "host" namespace the plugin runs in, container namespaces made on
/// demand, and a temp IPAM data dir. Everything is removed on Dispose, also when the test failed.
/// </summary>
public sealed class BridgeLab : IDisposable
{
    private readonly List<TestNetns> _containers = [];
    private readonly object _lock = new();

    public TestNetns Host { get; }
    public string DataDir { get; }
    /// <summary>CNI_PATH: ours (out/bin) when host-local has been built there, else the reference's.</summary>
    public string IpamPath { get; }
    /// <summary>The config version the IPAM binary supports (the reference stops at 1.0.0).</summary>
    public string Version { get; }

    public BridgeLab(bool needOurIpam = false)
    {
        Requires.Root();
        if (needOurIpam) Requires.Binary(Path.Combine(Repo.OutBin, "host-local"), "GC/STATUS need our host-local (1.1.0): run ./build.sh build");
        (IpamPath, Version) = Repo.HostLocalIpam("bridge tests delegate IPAM to a host-local binary");
        DataDir = Directory.CreateTempSubdirectory("cni-bridge-test-").FullName;
        Host = TestNetns.Create("brh");
    }

    public TestNetns NewContainer()
    {
        var ns = TestNetns.Create("brc");
        lock (_lock) _containers.Add(ns);
        return ns;
    }

    /// <summary>A bridge config; <paramref name="extra"/> is raw JSON members ("\"ipMasq\":true"), <paramref name="ipam"/> a raw object.</summary>
    public string Conf(string extra = "", string? ipam = null, string? version = null, string name = "brnet")
    {
        string members = $"\"cniVersion\":\"{version ?? Version}\",\"name\":\"{name}\",\"type\":\"bridge\",\"bridge\":\"cnibr0\"";
        if (extra.Length > 0) members += "," + extra;
        if (ipam != null) members += ",\"ipam\":" + ipam;
        return "{" + members + "}";
    }

    /// <summary>host-local with one range per subnet (each its own range set, so dual stack works).</summary>
    public string HostLocal(params string[] subnets)
        => "{\"type\":\"host-local\",\"dataDir\":\"" + DataDir + "\",\"ranges\":["
           + string.Join(",", subnets.Select(s => "[{\"subnet\":\"" + s + "\"}]")) + "]}";

    public ExecResult Run(string command, string containerId, TestNetns? container, string conf, string ifName = "eth0",
        ICniPlugin? plugin = null, string? netnsPath = null, string? cniArgs = null)
    {
        var env = InProcess.Env(command, containerId, netnsPath ?? container?.Path, ifName, cniArgs, IpamPath);
        return InProcess.RunIn(Host, plugin ?? new BridgePlugin(), env, conf);
    }

    /// <summary>ADD that must succeed; returns the parsed result.</summary>
    public JsonElement Add(string containerId, TestNetns container, string conf, string ifName = "eth0", ICniPlugin? plugin = null)
    {
        var r = Run("ADD", containerId, container, conf, ifName, plugin);
        Assert.True(r.ExitCode == 0, $"ADD {containerId} failed: {r.Stdout} {r.Stderr}");
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    /// <summary>The config with the ADD result as prevResult (what a runtime sends to CHECK and DEL).</summary>
    public static string WithPrev(string conf, JsonElement result)
        => conf[..^1] + ",\"prevResult\":" + result.GetRawText() + "}";

    /// <summary>The container address ("10.1.0.2") of family 4 or 6 in an ADD result.</summary>
    public static string Address(JsonElement result, int family = 4)
        => result.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("address").GetString()!)
            .First(a => a.Contains(':') == (family == 6)).Split('/')[0];

    /// <summary>Names of the links in the host namespace of the given kind ("veth", "bridge").</summary>
    public List<string> HostLinks(string kind)
        => Host.IpJson("-d", "link", "show").EnumerateArray()
            .Where(l => l.TryGetProperty("linkinfo", out var li) && li.GetProperty("info_kind").GetString() == kind)
            .Select(l => l.GetProperty("ifname").GetString()!).ToList();

    /// <summary>Addresses ("10.1.0.1/24") on a link in a namespace.</summary>
    public static List<string> Addresses(TestNetns ns, string dev)
        => ns.IpJson("addr", "show", "dev", dev)[0].GetProperty("addr_info").EnumerateArray()
            .Select(a => a.GetProperty("local").GetString() + "/" + a.GetProperty("prefixlen").GetInt32()).ToList();

    /// <summary>Lease files host-local keeps for <paramref name="network"/> (IP-named files only).</summary>
    public List<string> Leases(string network = "brnet") => Repo.HostLocalLeases(DataDir, network);

    /// <summary>`ping -c1 -W1` from inside a namespace (retried a few times: a fresh port may still be learning).</summary>
    public static bool Ping(TestNetns from, string address, int attempts = 3) => from.Ping(address, attempts);

    /// <summary>The `nft list ruleset` text of the host namespace (empty when nft is missing).</summary>
    public string HostRuleset()
    {
        var r = Host.Exec("nft", "list", "ruleset");
        return r.ExitCode == 0 ? r.Stdout : "";
    }

    public void Dispose()
    {
        foreach (var c in _containers) c.Dispose();
        Host.Dispose();
        try { Directory.Delete(DataDir, recursive: true); }
        catch (IOException) { }
    }
}
