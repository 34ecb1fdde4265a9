using System.Collections.Concurrent;
using System.Text.Json;
using Cni.Linux.Firewall;
using Cni.Plugins.Bridge;
using Cni.Sdk;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Bridge;

/// <summary>CHECK, DEL without a netns, GC, STATUS, concurrency and the firewall-backed options.</summary>
public sealed class BridgeLifecycleTests
{
    private static int Code(ExecResult r)
    {
        Assert.NotEqual(0, r.ExitCode);
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("code").GetInt32();
    }

    [Fact]
    public void CheckPassesAfterAddAndFailsWhenStateDrifts()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf("\"isGateway\":true", lab.HostLocal("10.50.0.0/24"));
        var c1 = lab.NewContainer();
        var r1 = lab.Add("ctr1", c1, conf);
        var withPrev = BridgeLab.WithPrev(conf, r1);
        Assert.Equal(0, lab.Run("CHECK", "ctr1", c1, withPrev).ExitCode);

        Assert.NotEqual(0, lab.Run("CHECK", "ctr1", c1, conf).ExitCode); // no prevResult
        var other = lab.NewContainer();
        Assert.NotEqual(0, lab.Run("CHECK", "ctr1", other, withPrev).ExitCode); // sandbox mismatch

        c1.Ip("addr", "flush", "dev", "eth0");
        var r = lab.Run("CHECK", "ctr1", c1, withPrev);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("not found", r.Stdout);

        c1.Ip("link", "del", "eth0");
        Assert.NotEqual(0, lab.Run("CHECK", "ctr1", c1, withPrev).ExitCode);
    }

    /// <summary>
    /// The per-interface settings the reference makes (arp_notify over netlink, the others through /proc/sys), read
    /// back from /proc/sys in each namespace: DAD off unless enabledad, arp_notify on, no router adverts on the
    /// host end.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AddSetsTheContainerAndHostEndSysctls(bool enableDad)
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf(enableDad ? "\"enabledad\":true" : "", lab.HostLocal("10.52.0.0/24"));
        var c1 = lab.NewContainer();
        var r1 = lab.Add("ctr1", c1, conf);
        string Cat(TestNetns ns, string key) => ns.Exec("cat", "/proc/sys/" + key).EnsureSuccess("cat").Stdout.Trim();

        Assert.Equal("1", Cat(c1, "net/ipv4/conf/eth0/arp_notify"));
        Assert.Equal(enableDad ? "1" : "0", Cat(c1, "net/ipv6/conf/eth0/accept_dad"));
        if (enableDad) Assert.Equal("1", Cat(c1, "net/ipv6/conf/eth0/enhanced_dad"));
        var hostVeth = r1.GetProperty("interfaces")[1].GetProperty("name").GetString()!;
        Assert.Equal("0", Cat(lab.Host, $"net/ipv6/conf/{hostVeth}/accept_ra"));
        var bridge = r1.GetProperty("interfaces")[0].GetProperty("name").GetString()!;
        Assert.Equal("0", Cat(lab.Host, $"net/ipv6/conf/{bridge}/accept_ra"));
    }

    /// <summary>
    /// The bridge's accept_ra and ip_forward are read over netlink first and written only when they differ; an
    /// operator turning them back on/off between two ADDs must still be corrected by the next ADD.
    /// </summary>
    [Fact]
    public void LaterAddRestoresBridgeAcceptRaAndForwardingChangedBehindItsBack()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf("\"isGateway\":true", lab.HostLocal("10.53.0.0/24"));
        var r1 = lab.Add("ctr1", lab.NewContainer(), conf);
        var bridge = r1.GetProperty("interfaces")[0].GetProperty("name").GetString()!;
        string Sysctl(string key) => lab.Host.Exec("sysctl", "-n", key).EnsureSuccess("sysctl").Stdout.Trim();
        Assert.Equal("0", Sysctl($"net.ipv6.conf.{bridge}.accept_ra"));
        Assert.Equal("1", Sysctl("net.ipv4.ip_forward"));

        lab.Host.Exec("sysctl", "-w", $"net.ipv6.conf.{bridge}.accept_ra=1").EnsureSuccess("sysctl");
        lab.Host.Exec("sysctl", "-w", "net.ipv4.ip_forward=0").EnsureSuccess("sysctl");
        lab.Host.Exec("sysctl", "-w", "net.ipv6.conf.default.accept_ra=0").EnsureSuccess("sysctl");
        var r2 = lab.Add("ctr2", lab.NewContainer(), conf);
        Assert.Equal("0", Sysctl($"net.ipv6.conf.{bridge}.accept_ra"));
        Assert.Equal("1", Sysctl("net.ipv4.ip_forward"));
        // A host whose default is already 0 gives the new host end 0 without a write; it must still be 0.
        var hostVeth = r2.GetProperty("interfaces")[1].GetProperty("name").GetString()!;
        Assert.Equal("0", Sysctl($"net.ipv6.conf.{hostVeth}.accept_ra"));
    }

    [Fact]
    public void CheckFailsWhenARouteOfPrevResultIsGone()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf("\"isDefaultGateway\":true", lab.HostLocal("10.51.0.0/24"));
        var c1 = lab.NewContainer();
        var withPrev = BridgeLab.WithPrev(conf, lab.Add("ctr1", c1, conf));
        Assert.Equal(0, lab.Run("CHECK", "ctr1", c1, withPrev).ExitCode);

        c1.Ip("route", "del", "default");
        var r = lab.Run("CHECK", "ctr1", c1, withPrev);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("route 0.0.0.0/0 via 10.51.0.1 not found in the container", r.Stdout);
    }

    [Fact]
    public void DelWithEmptyNetnsRemovesHostVethRulesAndLease()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf("\"ipMasq\":true,\"ipMasqBackend\":\"nftables\",\"macspoofchk\":true", lab.HostLocal("10.51.0.0/24"));
        var c1 = lab.NewContainer();
        var r1 = lab.Add("ctr1", c1, conf);
        var tag = new FirewallOwner("brnet", "ctr1", "eth0").Tag;
        Assert.Contains(tag, lab.HostRuleset());

        var del = lab.Run("DEL", "ctr1", null, BridgeLab.WithPrev(conf, r1), netnsPath: "");
        Assert.Equal(0, del.ExitCode);
        Assert.DoesNotContain(tag, lab.HostRuleset());
        Assert.Empty(lab.HostLinks("veth"));
        Assert.Empty(lab.Leases());
        Assert.Equal(0, lab.Run("DEL", "ctr1", null, BridgeLab.WithPrev(conf, r1), netnsPath: "").ExitCode);
    }

    [Fact]
    public void DelWithAVanishedNetnsWithoutPrevResultStillRemovesRulesAndLease()
    {
        using var lab = new BridgeLab();
        var fw = new RecordingFirewall();
        var plugin = new BridgePlugin(new ExecIpam(), _ => fw, new KernelBridgePorts());
        var conf = lab.Conf("\"ipMasq\":true", lab.HostLocal("10.52.0.0/24"));
        var c1 = lab.NewContainer();
        lab.Add("ctr1", c1, conf, plugin: plugin);
        var r = lab.Run("DEL", "ctr1", null, conf, plugin: plugin, netnsPath: "/var/run/netns/cnit-gone-" + Environment.ProcessId);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["AddMasquerade", "RemoveMasquerade"], fw.Calls);
        Assert.Equal(new FirewallOwner("brnet", "ctr1", "eth0"), fw.Owners[^1]);
        Assert.Empty(lab.Leases());
    }

    [Fact]
    public void GcRemovesAStaleAttachmentsRulesAndLeaseOnly()
    {
        using var lab = new BridgeLab(needOurIpam: true);
        var conf = lab.Conf("\"ipMasq\":true,\"ipMasqBackend\":\"nftables\",\"macspoofchk\":true", lab.HostLocal("10.53.0.0/24"));
        var a = lab.NewContainer();
        var b = lab.NewContainer();
        var ra = lab.Add("ctrA", a, conf);
        var rb = lab.Add("ctrB", b, conf);
        // A second network's rules must survive this network's GC.
        var otherConf = lab.Conf("\"ipMasq\":true,\"ipMasqBackend\":\"nftables\"", lab.HostLocal("10.54.0.0/24"), name: "othernet");
        var o = lab.NewContainer();
        lab.Add("ctrO", o, otherConf, ifName: "net1");

        var gc = conf[..^1] + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"ctrA\",\"ifname\":\"eth0\"}]}";
        var r = InProcess.RunIn(lab.Host, new BridgePlugin(), InProcess.Env("GC", path: lab.IpamPath), gc);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);

        var rules = lab.HostRuleset();
        Assert.Contains(new FirewallOwner("brnet", "ctrA", "eth0").Tag, rules);
        Assert.DoesNotContain(new FirewallOwner("brnet", "ctrB", "eth0").Tag, rules);
        Assert.Contains(new FirewallOwner("othernet", "ctrO", "net1").Tag, rules);
        Assert.Equal([BridgeLab.Address(ra)], lab.Leases());
        Assert.Single(lab.Leases("othernet"));
        _ = rb;
    }

    [Fact]
    public void StatusIsNotReadyWhenTheBridgeNameIsTakenOrIpamIsMissing()
    {
        using var lab = new BridgeLab(needOurIpam: true);
        var conf = lab.Conf("", lab.HostLocal("10.55.0.0/24"));
        ExecResult Status(string c) => InProcess.RunIn(lab.Host, new BridgePlugin(), InProcess.Env("STATUS", path: lab.IpamPath), c);

        Assert.Equal(0, Status(conf).ExitCode);
        Assert.Equal(50, Code(Status(lab.Conf("", "{\"type\":\"no-such-ipam\"}"))));
        lab.Host.Ip("link", "add", "cnibr0", "type", "veth", "peer", "name", "cnibr0p");
        Assert.Equal(50, Code(Status(conf)));
    }

    [Fact]
    public void FiftyParallelAddsOnANewBridgeAllSucceed()
    {
        using var lab = new BridgeLab();
        const int n = 50;
        var conf = lab.Conf("\"isGateway\":true", lab.HostLocal("10.56.0.0/24"));
        var containers = Enumerable.Range(0, n).Select(_ => lab.NewContainer()).ToArray();
        var results = new ConcurrentDictionary<int, ExecResult>();
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = n },
            i => results[i] = lab.Run("ADD", "par" + i, containers[i], conf));

        var failed = results.Where(kv => kv.Value.ExitCode != 0).Select(kv => $"{kv.Key}: {kv.Value.Stdout}").ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        var addresses = results.Values.Select(r => BridgeLab.Address(JsonDocument.Parse(r.Stdout).RootElement)).ToList();
        Assert.Equal(n, addresses.Distinct().Count());
        Assert.Equal(["10.56.0.1/24"], BridgeLab.Addresses(lab.Host, "cnibr0").Where(a => !a.StartsWith("fe80", StringComparison.Ordinal)));
        // One bridge MAC for everybody: it did not flap as ports joined.
        var macs = results.Values.Select(r => JsonDocument.Parse(r.Stdout).RootElement.GetProperty("interfaces")[0].GetProperty("mac").GetString()).Distinct();
        Assert.Single(macs);
        Assert.Equal(n, lab.HostLinks("veth").Count);
        Assert.True(BridgeLab.Ping(containers[0], addresses[^1]), "first container cannot reach the last one");
    }

    [Fact]
    public void MacSpoofCheckDropsFramesWithAnotherSourceMac()
    {
        using var lab = new BridgeLab();
        var conf = lab.Conf("\"macspoofchk\":true", lab.HostLocal("10.57.0.0/24"));
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        var r1 = lab.Add("ctr1", c1, conf);
        var r2 = lab.Add("ctr2", c2, conf);
        Assert.True(BridgeLab.Ping(c1, BridgeLab.Address(r2)), "ping before spoofing");

        c1.Ip("link", "set", "eth0", "address", "0a:58:de:ad:be:ef");
        c2.Ip("neigh", "flush", "all");
        Assert.False(BridgeLab.Ping(c1, BridgeLab.Address(r2), attempts: 2), "a frame with a spoofed source MAC got through");

        Assert.Equal(0, lab.Run("DEL", "ctr1", c1, BridgeLab.WithPrev(conf, r1)).ExitCode);
        Assert.DoesNotContain(new FirewallOwner("brnet", "ctr1", "eth0").Tag, lab.HostRuleset());
        Assert.Contains(new FirewallOwner("brnet", "ctr2", "eth0").Tag, lab.HostRuleset());
    }
}
