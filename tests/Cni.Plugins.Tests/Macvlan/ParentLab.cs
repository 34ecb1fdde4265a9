using System.Text.Json;
using Cni.Sdk;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Macvlan;

/// <summary>
/// One macvlan/ipvlan test's world: a throwaway "host" namespace the plugin runs in, whose master "uplink" is
/// a veth end with its peer in a third namespace ("far", an outside machine at 10.77.0.254), containers made
/// on demand, and a temp host-local data dir. Everything is removed on Dispose, also when the test failed.
/// </summary>
public sealed class ParentLab : IDisposable
{
    public const string Master = "uplink";
    public const string FarAddress = "10.77.0.254";

    private readonly List<TestNetns> _containers = [];

    public TestNetns Host { get; }
    public TestNetns Far { get; }
    public string DataDir { get; }
    public string IpamPath { get; }
    public string Version { get; }

    public ParentLab()
    {
        Requires.Root();
        (IpamPath, Version) = Repo.HostLocalIpam("tests delegate IPAM to a host-local binary");
        DataDir = Directory.CreateTempSubdirectory("cni-macvlan-test-").FullName;
        Host = TestNetns.Create("mvh");
        Far = TestNetns.Create("mvf");
        Host.Ip("link", "add", Master, "type", "veth", "peer", "name", "eth0", "netns", Far.Name);
        Host.Ip("link", "set", Master, "up");
        Far.Ip("addr", "add", FarAddress + "/24", "dev", "eth0");
        Far.Ip("link", "set", "eth0", "up");
    }

    public TestNetns NewContainer()
    {
        var ns = TestNetns.Create("mvc");
        _containers.Add(ns);
        return ns;
    }

    /// <summary>A config of <paramref name="type"/>; <paramref name="extra"/> is raw JSON members, <paramref name="ipam"/> a raw object.</summary>
    public string Conf(string type, string extra = "", string? ipam = null, string? version = null, string name = "mvnet")
    {
        string members = $"\"cniVersion\":\"{version ?? Version}\",\"name\":\"{name}\",\"type\":\"{type}\"";
        if (extra.Length > 0) members += "," + extra;
        if (ipam != null) members += ",\"ipam\":" + ipam;
        return "{" + members + "}";
    }

    public string HostLocal(string subnet = "10.77.0.0/24", string extra = "")
        => "{\"type\":\"host-local\",\"dataDir\":\"" + DataDir + "\",\"ranges\":[[{\"subnet\":\"" + subnet + "\"}]]" + extra + "}";

    public ExecResult Run(ICniPlugin plugin, string command, string containerId, TestNetns? container, string conf,
        string ifName = "eth0", string? cniArgs = null)
    {
        var env = InProcess.Env(command, containerId, container?.Path, ifName, cniArgs, IpamPath);
        if (container is null) env["CNI_NETNS"] = "";
        return InProcess.RunIn(Host, plugin, env, conf);
    }

    public JsonElement Add(ICniPlugin plugin, string containerId, TestNetns container, string conf, string? cniArgs = null)
    {
        var r = Run(plugin, "ADD", containerId, container, conf, cniArgs: cniArgs);
        Assert.True(r.ExitCode == 0, $"ADD {containerId} failed: {r.Stdout} {r.Stderr}");
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    public static string WithPrev(string conf, JsonElement result) => conf[..^1] + ",\"prevResult\":" + result.GetRawText() + "}";

    public static int Code(ExecResult r)
    {
        Assert.NotEqual(0, r.ExitCode);
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("code").GetInt32();
    }

    public static string Address(JsonElement result)
        => result.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];

    /// <summary>`ip -d link show dev` in a namespace, or null when the link does not exist.</summary>
    public static JsonElement? Link(TestNetns ns, string dev)
    {
        var r = Sh.Run("ip", "-n", ns.Name, "-j", "-d", "link", "show", "dev", dev);
        return r.ExitCode == 0 ? JsonDocument.Parse(r.Stdout).RootElement[0].Clone() : null;
    }

    /// <summary>Every link name in a namespace except lo.</summary>
    public static List<string> LinkNames(TestNetns ns)
        => ns.IpJson("link", "show").EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!).Where(n => n != "lo").ToList();

    public List<string> Leases(string network = "mvnet") => Repo.HostLocalLeases(DataDir, network);

    public static bool Ping(TestNetns from, string address, int attempts = 3) => from.Ping(address, attempts);

    public void Dispose()
    {
        foreach (var c in _containers) c.Dispose();
        Far.Dispose();
        Host.Dispose();
        try { Directory.Delete(DataDir, recursive: true); }
        catch (IOException) { }
    }
}
