using System.Text.Json;
using Cni.Linux.Firewall;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Firewall;

/// <summary>ADD/CHECK/DEL/GC read back from the kernel (`nft -j`, `iptables-save`), for both backends.</summary>
public class FirewallLifecycleTests
{
    [Theory]
    [InlineData("nftables")]
    [InlineData("iptables")]
    public void AddPassesPrevResultThroughCheckSeesTheRulesAndDelNeedsNothing(string backend)
    {
        using var lab = new FirewallLab();
        var (c1, r1) = lab.Attach("c1", "fwnet", "cnibr0", "10.31.0.0/24", "fd31::/64");
        string extra = $"\"backend\":\"{backend}\",\"ingressPolicy\":\"same-bridge\"";
        var conf = lab.Conf("fwnet", extra, r1);

        var add = lab.Firewall("ADD", "c1", c1.Path, conf);
        Assert.True(add.ExitCode == 0, add.Stdout + add.Stderr);
        var output = JsonDocument.Parse(add.Stdout).RootElement;
        Assert.Equal(r1.GetProperty("ips").GetRawText(), output.GetProperty("ips").GetRawText());
        Assert.Equal(r1.GetProperty("interfaces").GetRawText(), output.GetProperty("interfaces").GetRawText());

        string tag = new FirewallOwner("fwnet", "c1", "eth0").Tag;
        string v4 = FirewallLab.Address(r1).ToString(), v6 = FirewallLab.Address(r1, 6).ToString();
        if (backend == "nftables")
        {
            var mine = lab.NftRules().Where(r => r.Comment?.StartsWith(tag, StringComparison.Ordinal) == true).ToList();
            Assert.Equal(4, mine.Count(r => r is { Family: "inet", Table: "cni_firewall", Chain: "forward" }));
            Assert.Single(mine, r => r.Chain == "isolation");
            Assert.Single(mine, r => r.Chain == "isolation_out");
            string table = lab.Host.Exec("nft", "list", "table", "inet", "cni_firewall").Stdout;
            Assert.Contains($"ip daddr {v4} ct state established,related", table);
            Assert.Contains($"ip saddr {v4} counter", table);
            Assert.Contains($"ip6 daddr {v6} ct state established,related", table);
            Assert.Contains("iifname \"cnibr0\" oifname != \"cnibr0\" jump isolation_out", table);
            Assert.Contains("oifname \"cnibr0\" counter packets 0 bytes 0 drop", table);
        }
        else
        {
            string save = lab.IptablesSave();
            Assert.Contains("-A FORWARD -m comment --comment \"CNI firewall plugin rules (ingressPolicy)\" -j CNI-ISOLATION-STAGE-1", save);
            Assert.Contains("-A CNI-FORWARD -m comment --comment \"CNI firewall plugin admin overrides\" -j CNI-ADMIN", save);
            Assert.Contains($"-A CNI-FORWARD -d {v4}/32 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"{tag}", save);
            Assert.Contains($"-A CNI-FORWARD -s {v4}/32 -m comment --comment \"{tag}", save);
            Assert.Contains($"-A CNI-ISOLATION-STAGE-1 -i cnibr0 ! -o cnibr0 -m comment --comment \"{tag}", save);
            Assert.Contains($"-A CNI-ISOLATION-STAGE-2 -o cnibr0 -m comment --comment \"{tag}", save);
            Assert.Contains($"-A CNI-FORWARD -s {v6}/128 -m comment --comment \"{tag}", lab.IptablesSave(ipv6: true));
        }
        Assert.Equal(0, lab.Firewall("CHECK", "c1", c1.Path, conf).ExitCode);

        // DEL as a runtime may send it after the container is gone: no prevResult, no netns.
        lab.Ok("DEL", "c1", null, lab.Conf("fwnet", extra));
        Assert.Equal(0, lab.OurRules());
        lab.Ok("DEL", "c1", "", lab.Conf("fwnet", extra));
        var check = lab.Firewall("CHECK", "c1", c1.Path, conf);
        Assert.Equal(999, FirewallErrors.Code(check));
    }

    [Theory]
    [InlineData("nftables", "nft flush chain inet cni_firewall forward")]
    [InlineData("iptables", "iptables -F CNI-FORWARD")]
    public void CheckFailsWhenARuleWasRemoved(string backend, string damage)
    {
        using var lab = new FirewallLab();
        var (c1, r1) = lab.Attach("c1", "fwnet", "cnibr0", "10.31.0.0/24");
        var conf = lab.Conf("fwnet", $"\"backend\":\"{backend}\"", r1);
        lab.Ok("ADD", "c1", c1.Path, conf);
        lab.Ok("CHECK", "c1", c1.Path, conf);
        var parts = damage.Split(' ');
        lab.Host.Exec(parts[0], parts[1..]).EnsureSuccess(damage);
        var check = lab.Firewall("CHECK", "c1", c1.Path, conf);
        Assert.Equal(999, FirewallErrors.Code(check));
        Assert.Contains("c1", check.Stdout);
        lab.Ok("DEL", "c1", c1.Path, conf);
    }

    /// <summary>GC keeps valid attachments and other networks' rules, removes the rest (iptables mirror included).</summary>
    [Theory]
    [InlineData("nftables")]
    [InlineData("iptables")]
    public void GcRemovesOnlyStaleAttachmentsOfItsNetwork(string backend)
    {
        using var lab = new FirewallLab();
        // An iptables FORWARD exists, so the nftables backend mirrors its accepts there too: GC must find those.
        lab.Host.Exec("iptables", "-P", "FORWARD", "DROP").EnsureSuccess("iptables -P FORWARD DROP");
        var (c1, r1) = lab.Attach("c1", "neta", "cnibr0", "10.31.0.0/24");
        var (c2, r2) = lab.Attach("c2", "neta", "cnibr0", "10.31.0.0/24");
        var (c3, r3) = lab.Attach("c3", "netb", "cnibr1", "10.32.0.0/24");
        string extra = $"\"backend\":\"{backend}\",\"ingressPolicy\":\"same-bridge\"";
        lab.Ok("ADD", "c1", c1.Path, lab.Conf("neta", extra, r1, "1.1.0"));
        lab.Ok("ADD", "c2", c2.Path, lab.Conf("neta", extra, r2, "1.1.0"));
        lab.Ok("ADD", "c3", c3.Path, lab.Conf("netb", extra, r3, "1.1.0"));
        string t1 = new FirewallOwner("neta", "c1", "eth0").Tag, t2 = new FirewallOwner("neta", "c2", "eth0").Tag;
        string t3 = new FirewallOwner("netb", "c3", "eth0").Tag;
        int c1Rules = lab.OurRules(t1), c3Rules = lab.OurRules(t3);
        Assert.True(c1Rules >= 4 && lab.OurRules(t2) == c1Rules, $"c1 {c1Rules}, c2 {lab.OurRules(t2)}");

        var gc = lab.Conf("neta", extra + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"eth0\"}]", version: "1.1.0");
        lab.Ok("GC", "", null, gc);

        Assert.Equal(c1Rules, lab.OurRules(t1));
        Assert.Equal(0, lab.OurRules(t2));
        Assert.Equal(c3Rules, lab.OurRules(t3));
        lab.Ok("DEL", "c1", null, lab.Conf("neta", extra, version: "1.1.0"));
        lab.Ok("DEL", "c3", null, lab.Conf("netb", extra, version: "1.1.0"));
        Assert.Equal(0, lab.OurRules());
    }

    /// <summary>Concurrent ADDs on a fresh host all succeed and each leaves its rules exactly once.</summary>
    [Theory]
    [InlineData("nftables")]
    [InlineData("iptables")]
    public void ConcurrentAddsOnAFreshHostAllSucceed(string backend)
    {
        using var lab = new FirewallLab();
        const int n = 8;
        var results = new Cni.TestKit.ExecResult[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = n }, i =>
        {
            string prev = $$"""{"cniVersion":"1.0.0","interfaces":[{"name":"cnibr0"},{"name":"eth0","sandbox":"/x"}],"ips":[{"interface":1,"address":"10.40.0.{{i + 2}}/24"}]}""";
            var conf = lab.Conf("par", $"\"backend\":\"{backend}\",\"ingressPolicy\":\"same-bridge\",\"prevResult\":{prev}", version: "1.0.0");
            results[i] = lab.Firewall("ADD", $"p{i}", lab.Outside.Path, conf);
        });
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr));
        for (int i = 0; i < n; i++)
            Assert.Equal(4, lab.OurRules(new FirewallOwner("par", $"p{i}", "eth0").Tag));
        if (backend == "iptables")
            Assert.Single(lab.IptablesSave().Split('\n'), l => l == "-N CNI-FORWARD" || l.StartsWith(":CNI-FORWARD ", StringComparison.Ordinal));
        for (int i = 0; i < n; i++) lab.Ok("DEL", $"p{i}", null, lab.Conf("par", $"\"backend\":\"{backend}\"", version: "1.0.0"));
        Assert.Equal(0, lab.OurRules());
    }
}
