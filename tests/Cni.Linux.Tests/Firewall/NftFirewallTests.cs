using System.Net;
using System.Net.NetworkInformation;
using Cni.Linux.Netns;
using Cni.Linux.Firewall;
using Cni.Linux.Tests.Nftables;
using Cni.TestKit;

namespace Cni.Linux.Tests.Firewall;

/// <summary>
/// The nftables backend in throwaway namespaces: rules read back with `nft -j`, real traffic through the
/// masquerade and the spoof check. Nothing touches the machine's own ruleset.
/// </summary>
public class NftFirewallTests
{
    private const string MasqTable = "cni_masquerade", MasqChain = "postrouting";
    private const string SpoofTable = "cni_macspoofchk", SpoofChain = "prerouting";

    private static string[] Comments(TestNetns ns, string table, string chain)
        => NftRuleset.Rules(ns, table, chain).Select(r => NftRuleset.Comment(r) ?? "").ToArray();

    [Fact]
    public void MasqueradeForTwoOwnersThenRemovingOneLeavesTheOther()
    {
        using var fw = new FirewallScope("fw", "nftables");
        var a = new FirewallOwner("net1", "ctr-a", "eth0");
        var b = new FirewallOwner("net1", "ctr-b", "eth0");
        fw.AddMasquerade(a, "10.1.0.2/24", "fd00:1::2/64");
        fw.AddMasquerade(b, "10.1.0.3/24");

        var rules = NftRuleset.Rules(fw.Ns, MasqTable, MasqChain);
        Assert.Equal([a.Comment, a.Comment, b.Comment], rules.Select(r => NftRuleset.Comment(r) ?? ""));
        string v4 = rules[0].GetProperty("expr").GetRawText(), v6 = rules[1].GetProperty("expr").GetRawText();
        Assert.Contains("\"saddr\"}}, \"right\": \"10.1.0.2\"", v4);
        Assert.Contains("{\"prefix\": {\"addr\": \"10.1.0.0\", \"len\": 24}}", v4);
        Assert.Contains("{\"prefix\": {\"addr\": \"224.0.0.0\", \"len\": 4}}", v4);
        Assert.Contains("\"masquerade\"", v4);
        Assert.Contains("\"right\": \"fd00:1::2\"", v6);
        Assert.Contains("{\"prefix\": {\"addr\": \"fd00:1::\", \"len\": 64}}", v6);
        Assert.Contains("{\"prefix\": {\"addr\": \"ff00::\", \"len\": 8}}", v6);

        fw.Run(f => f.RemoveMasquerade(a));
        Assert.Equal([b.Comment], Comments(fw.Ns, MasqTable, MasqChain));
        fw.Run(f => f.RemoveMasquerade(a)); // already gone: success
        Assert.Equal([b.Comment], Comments(fw.Ns, MasqTable, MasqChain));
    }

    [Fact]
    public void AddAfterTheTableWasDeletedRecreatesIt()
    {
        // A later ADD sends only its rules (table and chain exist by then); when someone deleted the table in
        // between, that batch fails with ENOENT and the full one (table, chain, rules) must follow.
        using var fw = new FirewallScope("fwre", "nftables");
        var a = new FirewallOwner("net1", "ctr-a", "eth0");
        var b = new FirewallOwner("net1", "ctr-b", "eth0");
        fw.AddMasquerade(a, "10.1.0.2/24");
        fw.AddMasquerade(b, "10.1.0.3/24");
        Assert.Equal([a.Comment, b.Comment], Comments(fw.Ns, MasqTable, MasqChain));
        fw.Ns.Exec("nft", "delete", "table", "inet", MasqTable).EnsureSuccess("nft delete table");
        fw.AddMasquerade(b, "10.1.0.3/24");
        Assert.Equal([b.Comment], Comments(fw.Ns, MasqTable, MasqChain));
        var chain = Assert.Single(NftRuleset.Objects(fw.Ns, "chain"), c => c.GetProperty("name").GetString() == MasqChain);
        Assert.Equal("postrouting", chain.GetProperty("hook").GetString());
        Assert.Equal("nat", chain.GetProperty("type").GetString());
    }

    [Fact]
    public void RemovingFromAnEmptyNamespaceSucceeds()
    {
        using var fw = new FirewallScope("fw", "nftables");
        var a = new FirewallOwner("net1", "ctr-a", "eth0");
        fw.Run(f => f.RemoveMasquerade(a));
        fw.Run(f => f.RemoveMacSpoofCheck(a));
        fw.Run(f => f.Collect("net1", []));
        Assert.Empty(NftRuleset.Objects(fw.Ns, "table"));
    }

    [Fact]
    public void CollectRemovesExactlyTheStaleOwnersOfThatNetwork()
    {
        using var fw = new FirewallScope("fw", "nftables");
        var keep = new FirewallOwner("net1", "ctr-a", "eth0");
        var stale = new FirewallOwner("net1", "ctr-b", "eth0");
        var staleIf = new FirewallOwner("net1", "ctr-a", "eth1");
        var other = new FirewallOwner("net2", "ctr-c", "eth0");
        fw.AddMasquerade(keep, "10.1.0.2/24");
        fw.AddMasquerade(stale, "10.1.0.3/24");
        fw.AddMasquerade(staleIf, "10.1.0.4/24");
        fw.AddMasquerade(other, "10.2.0.2/24");
        fw.Run(f => f.AddMacSpoofCheck(stale, "vethb", PhysicalAddress.Parse("02-00-00-00-00-0b")));
        fw.Run(f => f.AddMacSpoofCheck(keep, "vetha", PhysicalAddress.Parse("02-00-00-00-00-0a")));

        fw.Run(f => f.Collect("net1", [("ctr-a", "eth0")]));

        Assert.Equal([keep.Comment, other.Comment], Comments(fw.Ns, MasqTable, MasqChain));
        Assert.Equal([keep.Comment], Comments(fw.Ns, SpoofTable, SpoofChain));
    }

    [Fact]
    public void FiftyConcurrentAddsAllSucceed()
    {
        using var fw = new FirewallScope("fw", "nftables");
        var owners = Enumerable.Range(0, 50).Select(i => new FirewallOwner("net1", $"ctr-{i}", "eth0")).ToArray();
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = owners.Select((owner, i) => new Thread(() =>
        {
            try { fw.AddMasquerade(owner, $"10.3.{i / 200}.{i % 200 + 2}/16"); }
            catch (Exception e) { errors.Add(e); }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(errors);
        var comments = Comments(fw.Ns, MasqTable, MasqChain);
        Assert.Equal(owners.Select(o => o.Comment).Order(), comments.Order());
        Assert.Single(NftRuleset.Objects(fw.Ns, "chain"));
    }

    [Fact]
    public void MasqueradedTrafficReachesUpstreamAsTheHost()
    {
        // container (10.1.0.2, fd00:1::2) -> host (forwards, our masquerade) -> upstream (192.168.77.2,
        // fd00:77::2). Upstream has no route back to the container subnets, so a connection can only work
        // if upstream saw the host's own address as the source - which the accepted socket reports.
        using var fw = new FirewallScope("fwh", "nftables");
        using var ctr = TestNetns.Create("fwc");
        using var up = TestNetns.Create("fwu");
        var h = fw.Ns;
        h.Ip("link", "add", "vh", "type", "veth", "peer", "name", "vc", "netns", ctr.Name);
        h.Ip("link", "add", "vu", "type", "veth", "peer", "name", "uu", "netns", up.Name);
        h.Ip("addr", "add", "10.1.0.1/24", "dev", "vh");
        h.Ip("addr", "add", "fd00:1::1/64", "dev", "vh", "nodad");
        h.Ip("addr", "add", "192.168.77.1/24", "dev", "vu");
        h.Ip("addr", "add", "fd00:77::1/64", "dev", "vu", "nodad");
        h.Ip("link", "set", "vh", "up");
        h.Ip("link", "set", "vu", "up");
        h.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1").EnsureSuccess("ip_forward");
        h.Exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1").EnsureSuccess("forwarding");
        ctr.Ip("addr", "add", "10.1.0.2/24", "dev", "vc");
        ctr.Ip("addr", "add", "fd00:1::2/64", "dev", "vc", "nodad");
        ctr.Ip("link", "set", "vc", "up");
        ctr.Ip("route", "add", "default", "via", "10.1.0.1");
        ctr.Ip("-6", "route", "add", "default", "via", "fd00:1::1");
        up.Ip("addr", "add", "192.168.77.2/24", "dev", "uu");
        up.Ip("addr", "add", "fd00:77::2/64", "dev", "uu", "nodad");
        up.Ip("link", "set", "uu", "up");

        using var ctrNs = NetNs.Open(ctr.Path);
        using var upNs = NetNs.Open(up.Path);
        using var hostNs = NetNs.Open(h.Path);
        var up4 = TcpProbe.Listen(upNs, IPAddress.Any, 7001);
        var up6 = TcpProbe.Listen(upNs, IPAddress.IPv6Any, 7002);
        var local = TcpProbe.Listen(hostNs, IPAddress.Any, 7003);
        try
        {
            Assert.Null(TcpProbe.SourceSeen(ctrNs, up4, IPAddress.Parse("192.168.77.2"), 7001));
            Assert.Null(TcpProbe.SourceSeen(ctrNs, up6, IPAddress.Parse("fd00:77::2"), 7002));

            var owner = new FirewallOwner("net1", "ctr", "eth0");
            fw.AddMasquerade(owner, "10.1.0.2/24", "fd00:1::2/64");

            Assert.Equal(IPAddress.Parse("192.168.77.1"), TcpProbe.SourceSeen(ctrNs, up4, IPAddress.Parse("192.168.77.2"), 7001));
            Assert.Equal(IPAddress.Parse("fd00:77::1"), TcpProbe.SourceSeen(ctrNs, up6, IPAddress.Parse("fd00:77::2"), 7002));
            // Inside the container's own subnet nothing is NATed: the host sees the container's address.
            Assert.Equal(IPAddress.Parse("10.1.0.2"), TcpProbe.SourceSeen(ctrNs, local, IPAddress.Parse("10.1.0.1"), 7003));
            var rules = NftRuleset.Rules(h, MasqTable, MasqChain);
            Assert.Equal(2, rules.Length);
            Assert.All(rules, r => Assert.True(NftRuleset.CounterPackets(r) >= 1, r.GetRawText()));

            fw.Run(f => f.RemoveMasquerade(owner));
            // A new connection is a new conntrack entry, which is no longer NATed.
            Assert.Null(TcpProbe.SourceSeen(ctrNs, up4, IPAddress.Parse("192.168.77.2"), 7001));
        }
        finally
        {
            up4.Dispose();
            up6.Dispose();
            local.Dispose();
        }
    }

    [Fact]
    public void MacSpoofCheckDropsFramesWithAnotherSourceMac()
    {
        using var fw = new FirewallScope("fwb", "nftables");
        using var ctr = TestNetns.Create("fwc");
        var h = fw.Ns;
        h.Ip("link", "add", "br0", "type", "bridge");
        h.Ip("addr", "add", "10.2.0.1/24", "dev", "br0");
        h.Ip("link", "set", "br0", "up");
        h.Ip("link", "add", "vh0", "master", "br0", "type", "veth", "peer", "name", "vc0", "netns", ctr.Name);
        h.Ip("link", "set", "vh0", "up");
        ctr.Ip("link", "set", "vc0", "address", "02:00:00:00:00:0a");
        ctr.Ip("addr", "add", "10.2.0.2/24", "dev", "vc0");
        ctr.Ip("link", "set", "vc0", "up");
        using var ctrNs = NetNs.Open(ctr.Path);
        using var hostNs = NetNs.Open(h.Path);
        var gateway = IPAddress.Parse("10.2.0.1");
        var container = IPAddress.Parse("10.2.0.2");
        using var listener = TcpProbe.Listen(hostNs, gateway, 7010);
        Assert.Equal(container, TcpProbe.SourceSeen(ctrNs, listener, gateway, 7010));

        var owner = new FirewallOwner("net1", "ctr", "eth0");
        fw.Run(f => f.AddMacSpoofCheck(owner, "vh0", PhysicalAddress.Parse("02-00-00-00-00-0a")));
        Assert.Equal(container, TcpProbe.SourceSeen(ctrNs, listener, gateway, 7010));

        ctr.Ip("link", "set", "vc0", "address", "02:00:00:00:00:99");
        Assert.Null(TcpProbe.SourceSeen(ctrNs, listener, gateway, 7010));
        var rule = Assert.Single(NftRuleset.Rules(h, SpoofTable, SpoofChain));
        Assert.Equal(owner.Comment, NftRuleset.Comment(rule));
        Assert.True(NftRuleset.CounterPackets(rule) >= 1, rule.GetRawText());

        ctr.Ip("link", "set", "vc0", "address", "02:00:00:00:00:0a");
        Assert.Equal(container, TcpProbe.SourceSeen(ctrNs, listener, gateway, 7010));

        fw.Run(f => f.RemoveMacSpoofCheck(owner));
        Assert.Empty(NftRuleset.Rules(h, SpoofTable, SpoofChain));
        ctr.Ip("link", "set", "vc0", "address", "02:00:00:00:00:99");
        h.Ip("neigh", "flush", "dev", "br0"); // the host would otherwise keep answering the old MAC
        Assert.Equal(container, TcpProbe.SourceSeen(ctrNs, listener, gateway, 7010));
    }
}
