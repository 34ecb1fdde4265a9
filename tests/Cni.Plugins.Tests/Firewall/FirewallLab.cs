using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cni.Linux.Netns;
using Cni.Plugins.Bridge;
using Cni.Plugins.Firewall;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Firewall;

/// <summary>
/// One firewall test's world: a throwaway "host" namespace where bridge and firewall run in-process, an
/// "outside" namespace routed through the host (veth up0 10.99.0.1 / fd99::1 - out0 10.99.0.2 / fd99::2), and
/// container namespaces attached by our bridge plugin with host-local IPAM. Everything is removed on Dispose,
/// also when the test failed; the machine's own interfaces and firewall are never touched.
/// </summary>
public sealed class FirewallLab : IDisposable
{
    public const string OutsideV4 = "10.99.0.2", OutsideV6 = "fd99::2";
    private readonly List<TestNetns> _containers = [];
    private readonly string _dataDir;
    private readonly string _ipamPath;
    private readonly string _ipamVersion;

    public TestNetns Host { get; }
    public TestNetns Outside { get; }

    public FirewallLab()
    {
        Requires.Root();
        (_ipamPath, _ipamVersion) = Repo.HostLocalIpam("firewall tests build containers with bridge + host-local");
        _dataDir = Directory.CreateTempSubdirectory("cnit-firewall-").FullName;
        Host = TestNetns.Create("fwh");
        Outside = TestNetns.Create("fwo");
        Host.Ip("link", "add", "up0", "type", "veth", "peer", "name", "out0", "netns", Outside.Name);
        Host.Ip("addr", "add", "10.99.0.1/24", "dev", "up0");
        Host.Ip("addr", "add", "fd99::1/64", "dev", "up0", "nodad");
        Host.Ip("link", "set", "up0", "up");
        Outside.Ip("addr", "add", "10.99.0.2/24", "dev", "out0");
        Outside.Ip("addr", "add", "fd99::2/64", "dev", "out0", "nodad");
        Outside.Ip("link", "set", "out0", "up");
        Outside.Ip("route", "add", "default", "via", "10.99.0.1");
        Outside.Ip("-6", "route", "add", "default", "via", "fd99::1");
    }

    public string Version => _ipamVersion;

    /// <summary>A temp directory removed on Dispose (host-local leases live in it too).</summary>
    public string DataDir => _dataDir;

    /// <summary>A container attached to <paramref name="bridge"/> on <paramref name="network"/>; returns its namespace and bridge result.</summary>
    public (TestNetns Ns, JsonElement Result) Attach(string containerId, string network, string bridge, params string[] subnets)
    {
        var ns = TestNetns.Create("fwc");
        lock (_containers) _containers.Add(ns);
        var r = RunIn(new BridgePlugin(), "ADD", containerId, ns.Path, BridgeConf(network, bridge, subnets));
        Assert.True(r.ExitCode == 0, $"bridge ADD {containerId} failed: {r.Stdout} {r.Stderr}");
        return (ns, JsonDocument.Parse(r.Stdout).RootElement.Clone());
    }

    public string BridgeConf(string network, string bridge, string[] subnets)
    {
        string ranges = string.Join(",", subnets.Select(s => "[{\"subnet\":\"" + s + "\"}]"));
        return $$"""{"cniVersion":"{{Version}}","name":"{{network}}","type":"bridge","bridge":"{{bridge}}","isDefaultGateway":true,"ipam":{"type":"host-local","dataDir":"{{_dataDir}}","ranges":[{{ranges}}]""" + "}}";
    }

    /// <summary>A firewall config; <paramref name="extra"/> is raw JSON members; prevResult added when given.</summary>
    public string Conf(string network, string extra = "", JsonElement? prev = null, string? version = null)
    {
        string members = $"\"cniVersion\":\"{version ?? Version}\",\"name\":\"{network}\",\"type\":\"firewall\"";
        if (extra.Length > 0) members += "," + extra;
        if (prev is { } p) members += ",\"prevResult\":" + p.GetRawText();
        return "{" + members + "}";
    }

    public ExecResult Firewall(string command, string containerId, string? netns, string conf, string ifName = "eth0")
        => RunIn(new FirewallPlugin(), command, containerId, netns, conf, ifName);

    public void Ok(string command, string containerId, string? netns, string conf)
    {
        var r = Firewall(command, containerId, netns, conf);
        Assert.True(r.ExitCode == 0, $"firewall {command} {containerId} failed: {r.Stdout} {r.Stderr}");
    }

    /// <summary>Any plugin, in-process in the host namespace, as a runtime would call it (CNI_PATH holds host-local).</summary>
    public ExecResult RunIn(Cni.Sdk.ICniPlugin plugin, string command, string containerId, string? netns, string conf, string ifName = "eth0",
        IReadOnlyDictionary<string, string>? extraEnv = null)
    {
        var env = InProcess.Env(command, containerId, netns, ifName, path: _ipamPath);
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string>()) env[k] = v;
        return InProcess.RunIn(Host, plugin, env, conf);
    }

    /// <summary>The container's address of a family from a bridge result.</summary>
    public static IPAddress Address(JsonElement result, int family = 4)
        => IPAddress.Parse(result.GetProperty("ips").EnumerateArray().Select(i => i.GetProperty("address").GetString()!)
            .First(a => a.Contains(':') == (family == 6)).Split('/')[0]);

    /// <summary>
    /// Whether a TCP connection from <paramref name="from"/> to <paramref name="to"/>:<paramref name="port"/> completes
    /// (SYN out, SYN-ACK back through the host's forward path): a listener inside <paramref name="listener"/>.
    /// </summary>
    public static bool Connects(TestNetns from, TestNetns listener, IPAddress to, int port = 8080) => Connects(from, listener, port, to, port);

    /// <summary>As above with a listener on <paramref name="listenPort"/> and a connect to <paramref name="to"/>:<paramref name="port"/> (a published port).</summary>
    public static bool Connects(TestNetns from, TestNetns listener, int listenPort, IPAddress to, int port)
    {
        using var lns = NetNs.Open(listener.Path);
        using var fns = NetNs.Open(from.Path);
        var server = lns.Run(() =>
        {
            var l = new TcpListener(to.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, listenPort);
            l.Start();
            return l;
        });
        try
        {
            return fns.Run(() =>
            {
                using var client = new TcpClient(to.AddressFamily);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
                try
                {
                    client.ConnectAsync(to, port, timeout.Token).AsTask().GetAwaiter().GetResult();
                    return true;
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    return false;
                }
            });
        }
        finally { server.Stop(); }
    }

    /// <summary>`nft -j list ruleset` of the host: every rule as (family, table, chain, comment).</summary>
    public List<(string Family, string Table, string Chain, string? Comment)> NftRules()
    {
        var r = Host.Exec("nft", "-j", "list", "ruleset").EnsureSuccess("nft -j list ruleset");
        var rules = new List<(string, string, string, string?)>();
        foreach (var item in JsonDocument.Parse(r.Stdout).RootElement.GetProperty("nftables").EnumerateArray())
            if (item.TryGetProperty("rule", out var rule))
                rules.Add((rule.GetProperty("family").GetString()!, rule.GetProperty("table").GetString()!, rule.GetProperty("chain").GetString()!,
                    rule.TryGetProperty("comment", out var c) ? c.GetString() : null));
        return rules;
    }

    /// <summary>`iptables-save -t filter` (or ip6tables, or the -legacy variants) in the host namespace.</summary>
    public string IptablesSave(bool ipv6 = false, bool legacy = false)
        => Host.Exec($"{(ipv6 ? "ip6tables" : "iptables")}{(legacy ? "-legacy" : "")}-save", "-t", "filter").EnsureSuccess("iptables-save").Stdout;

    /// <summary>Rules of ours (a "cni-" owner comment) anywhere in the host: nft ruleset and both iptables variants.</summary>
    public int OurRules(string? tagPart = null)
    {
        int n = NftRules().Count(r => r.Comment is { } c && c.StartsWith("cni-", StringComparison.Ordinal) && (tagPart == null || c.Contains(tagPart)));
        var saves = new List<string> { IptablesSave(false), IptablesSave(true) };
        // Saving a legacy table that does not exist would create it (and change the automatic backend choice).
        if (HasLegacyFilter) saves.Add(IptablesSave(false, legacy: true));
        foreach (var save in saves)
            n += save.Split('\n').Count(l => l.Contains("--comment \"cni-") && (tagPart == null || l.Contains(tagPart)));
        return n;
    }

    /// <summary>Legacy iptables instantiated its filter table in the host namespace.</summary>
    public bool HasLegacyFilter => Host.Exec("cat", "/proc/net/ip_tables_names").Stdout.Split('\n').Contains("filter");

    public void Dispose()
    {
        foreach (var c in _containers) c.Dispose();
        Outside.Dispose();
        Host.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { }
    }
}
