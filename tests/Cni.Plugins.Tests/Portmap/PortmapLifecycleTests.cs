using System.Text.Json;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Portmap;

/// <summary>
/// What the runtime relies on around the traffic: DEL without portMappings or netns, refusing a taken port,
/// a repeated ADD replacing its rules, CHECK, GC scoped to one network, conditions, UDP conntrack flushing.
/// Kernel state is read back with `nft -j`; reachability with real sockets.
/// </summary>
public sealed class PortmapLifecycleTests
{
    [Fact]
    public void DelWithoutRuntimeConfigPrevResultOrNetnsRemovesEveryRule()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1", v6: true);
        lab.Serve(c1, "c1", 80);
        var conf = lab.PortmapConf(r1, PortmapLab.Map(8080, 80) + "," + PortmapLab.Map(8053, 53, "udp"));
        var output = lab.PortmapAdd("ctr1", c1, conf);
        Assert.Equal(r1.GetProperty("ips").GetRawText(), output.GetProperty("ips").GetRawText()); // prevResult passed on

        // 2 mappings x 2 families x (prerouting + output) DNAT rules + hairpin v4/v6 + localhost v4.
        var comments = lab.NftComments();
        Assert.Equal(11, comments.Count);
        Assert.Equal(8, comments.Count(c => c.Contains(" pm ", StringComparison.Ordinal)));
        Assert.All(comments, c => Assert.Contains("net: pmnet id: ctr1 if: eth0", c));
        Assert.Equal(comments.Count, lab.NftComments().Count); // listing is stable

        // A repeated ADD replaces this attachment's rules instead of stacking duplicates.
        lab.PortmapAdd("ctr1", c1, conf);
        Assert.Equal(11, lab.NftComments().Count);

        var del = lab.Portmap("DEL", "ctr1", null, lab.PortmapConf(null));
        Assert.True(del.ExitCode == 0, del.Stdout + del.Stderr);
        Assert.Empty(lab.NftRules());
        Assert.Null(PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080, 500, attempts: 1));
        Assert.Equal(0, lab.Portmap("DEL", "ctr1", null, lab.PortmapConf(null)).ExitCode); // again: nothing left, still fine
    }

    [Fact]
    public void APortHeldByAnotherAttachmentIsRefusedAndTheHolderKeepsIt()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        var (c2, r2) = lab.Container("ctr2");
        lab.Serve(c1, "c1", 80);
        lab.Serve(c2, "c2", 80);
        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8080, 80)));

        var clash = lab.Portmap("ADD", "ctr2", c2.Path, lab.PortmapConf(r2, PortmapLab.Map(9090, 80) + "," + PortmapLab.Map(8080, 80)));
        Assert.Equal(1, clash.ExitCode);
        var (code, msg) = PortmapLab.Error(clash);
        Assert.Equal(7, code);
        Assert.Contains("tcp/8080", msg);
        Assert.Contains("id: ctr1", msg);
        // A hostIP-specific mapping overlaps the wildcard one too.
        var specific = lab.Portmap("ADD", "ctr2", c2.Path, lab.PortmapConf(r2, PortmapLab.Map(8080, 80, hostIp: PortmapLab.HostV4Second)));
        Assert.Equal(7, PortmapLab.Error(specific).Code);
        // Nothing of the refused ADDs was programmed (not even 9090), and ctr1 still owns the port.
        Assert.DoesNotContain(lab.NftComments(), c => c.Contains("id: ctr2", StringComparison.Ordinal));
        Assert.Equal("c1 192.168.77.2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080));

        // Another protocol on the same number is a different port.
        lab.PortmapAdd("ctr2", c2, lab.PortmapConf(r2, PortmapLab.Map(8080, 80, "udp")));
        Assert.Equal("c2 192.168.77.2", PortProbe.Udp(lab.Outside, PortmapLab.HostV4, 8080));

        // Once ctr1 is gone the port is free.
        Assert.Equal(0, lab.Portmap("DEL", "ctr1", null, lab.PortmapConf(null)).ExitCode);
        lab.PortmapAdd("ctr2", c2, lab.PortmapConf(r2, PortmapLab.Map(8080, 80) + "," + PortmapLab.Map(8080, 80, "udp")));
        Assert.Equal("c2 192.168.77.2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080));
    }

    [Fact]
    public void CheckPassesWhenProgrammedAndFailsOnceTheRulesAreGone()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        var conf = lab.PortmapConf(r1, PortmapLab.Map(8080, 80) + "," + PortmapLab.Map(8053, 53, "udp"));
        lab.PortmapAdd("ctr1", c1, conf);
        var check = lab.Portmap("CHECK", "ctr1", c1.Path, conf);
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);

        Assert.Equal(0, lab.Portmap("DEL", "ctr1", c1.Path, conf).ExitCode);
        var after = lab.Portmap("CHECK", "ctr1", c1.Path, conf);
        Assert.Equal(1, after.ExitCode);
        Assert.Contains("udp/8053", PortmapLab.Error(after).Message);
    }

    [Fact]
    public void GcRemovesOnlyStaleAttachmentsOfItsOwnNetwork()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        var (c2, r2) = lab.Container("ctr2");
        var (c3, r3) = lab.Container("ctr3", network: "othernet", bridge: "cnipm1", subnet: "10.78.0.0/24");
        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8081, 80)));
        lab.PortmapAdd("ctr2", c2, lab.PortmapConf(r2, PortmapLab.Map(8082, 80)));
        lab.PortmapAdd("ctr3", c3, lab.PortmapConf(r3, PortmapLab.Map(8083, 80), network: "othernet"));

        string gc = lab.PortmapConf(null, version: "1.1.0")[..^1] + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"ctr1\",\"ifname\":\"eth0\"}]}";
        var r = lab.Portmap("GC", "", null, gc);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);

        var comments = lab.NftComments();
        Assert.Contains(comments, c => c.Contains("id: ctr1", StringComparison.Ordinal));
        Assert.DoesNotContain(comments, c => c.Contains("id: ctr2", StringComparison.Ordinal));
        Assert.Contains(comments, c => c.Contains("id: ctr3", StringComparison.Ordinal)); // another network's: untouched
    }

    [Fact]
    public void WithoutPortMappingsThePrevResultPassesThroughAndNothingIsProgrammed()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        var output = lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1));
        Assert.Equal(r1.GetProperty("ips").GetRawText(), output.GetProperty("ips").GetRawText());
        Assert.Equal(r1.GetProperty("interfaces").GetRawText(), output.GetProperty("interfaces").GetRawText());
        Assert.Empty(lab.NftRules());
    }

    [Fact]
    public void NftConditionsScopeThisAttachmentsMappings()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        var (c2, _) = lab.Container("ctr2");
        lab.Serve(c1, "c1", 80);
        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8080, 80), "\"conditionsV4\":[\"ip saddr != 10.77.0.0/24\", \"iifname up0\"]"));

        Assert.Equal("c1 192.168.77.2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080));
        Assert.Null(PortProbe.Tcp(c2, PortmapLab.HostV4, 8080, 500, attempts: 1)); // from the bridge: excluded
    }

    [Fact]
    public void StaleUdpConntrackEntriesForAMappedPortAreFlushed()
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        var (c2, r2) = lab.Container("ctr2");
        lab.Serve(c1, "c1", 53);
        // Conntrack only tracks a namespace once something needs it: another published port (our nat chains) does.
        lab.PortmapAdd("ctr2", c2, lab.PortmapConf(r2, PortmapLab.Map(9999, 53, "udp")));
        // A client already talking to the host's port 8053 before it is published: conntrack keeps its
        // un-NATed entry alive while the client keeps sending from the same source port.
        Assert.Null(PortProbe.Udp(lab.Outside, PortmapLab.HostV4, 8053, sourcePort: 40053, timeoutMs: 300, attempts: 1));
        Assert.Contains("dport=8053", lab.Host.Exec("cat", "/proc/net/nf_conntrack").Stdout);

        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8053, 53, "udp")));
        Assert.Equal("c1 192.168.77.2", PortProbe.Udp(lab.Outside, PortmapLab.HostV4, 8053, sourcePort: 40053, attempts: 1));
    }

    [Theory]
    [InlineData("{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"icmp\"}", "", 7)]
    [InlineData("{\"hostPort\":0,\"containerPort\":80}", "", 7)]
    [InlineData("{\"hostPort\":8080,\"containerPort\":70000}", "", 7)]
    [InlineData("{\"hostPort\":8080,\"containerPort\":80,\"hostIP\":\"nonsense\"}", "", 7)]
    [InlineData("{\"hostPort\":\"8080\",\"containerPort\":80}", "", 6)]
    [InlineData("{\"hostPort\":8080,\"containerPort\":80}", "\"backend\":\"nftables\",\"markMasqBit\":5", 7)]
    [InlineData("{\"hostPort\":8080,\"containerPort\":80}", "\"markMasqBit\":40", 7)]
    [InlineData("{\"hostPort\":8080,\"containerPort\":80}", "\"markMasqBit\":5,\"externalSetMarkChain\":\"X\"", 7)]
    [InlineData("{\"hostPort\":8080,\"containerPort\":80}", "\"backend\":\"pf\"", 7)]
    [InlineData("{\"hostPort\":8080,\"containerPort\":80}", "\"conditionsV4\":[\"tcp flags syn\"]", 7)]
    [InlineData("{\"hostPort\":8080,\"containerPort\":80}", "\"backend\":\"nftables\",\"conditionsV4\":[\"-s\",\"1.2.3.4\"]", 7)]
    [InlineData("{\"hostPort\":8080,\"containerPort\":80}", "\"snat\":\"yes\"", 6)]
    public void InvalidConfigIsRefusedBeforeAnyRule(string mapping, string extra, int code)
    {
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        var r = lab.Portmap("ADD", "ctr1", c1.Path, lab.PortmapConf(r1, mapping, extra));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(code, PortmapLab.Error(r).Code);
        Assert.Empty(lab.NftRules());
    }

    [Fact]
    public void AddWithoutPrevResultIsInvalidConfig()
    {
        using var lab = new PortmapLab();
        var (c1, _) = lab.Container("ctr1");
        var r = lab.Portmap("ADD", "ctr1", c1.Path, lab.PortmapConf(null, PortmapLab.Map(8080, 80)));
        Assert.Equal(7, PortmapLab.Error(r).Code);
        Assert.Contains("prevResult", PortmapLab.Error(r).Message);
    }

    internal static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
