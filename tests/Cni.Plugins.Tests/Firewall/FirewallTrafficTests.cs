using Cni.TestKit;

namespace Cni.Plugins.Tests.Firewall;

/// <summary>Real TCP through the host's forward path, with the rules each backend writes.</summary>
public class FirewallTrafficTests
{
    /// <summary>
    /// The Docker case: iptables' FORWARD policy is DROP (in the nft-backed or the legacy iptables). Without the
    /// firewall plugin the container cannot reach the outside; with it, it can over IPv4 and IPv6, whichever
    /// backend is configured; after DEL (no prevResult, no netns) it cannot again and nothing of ours is left.
    /// </summary>
    [Theory]
    [InlineData("nftables", false)]
    [InlineData("iptables", false)]
    [InlineData("nftables", true)]
    [InlineData("iptables", true)]
    [InlineData("", true)]
    public void ForwardDropPolicyIsOpenedForTheContainerOnly(string backend, bool legacy)
    {
        Requires.Root();
        if (legacy) Requires.Binary("/usr/sbin/iptables-legacy", "the legacy-iptables FORWARD DROP case");
        using var lab = new FirewallLab();
        var (c1, r1) = lab.Attach("c1", "fwnet", "cnibr0", "10.31.0.0/24", "fd31::/64");
        var (c2, _) = lab.Attach("c2", "fwnet", "cnibr0", "10.31.0.0/24", "fd31::/64");
        string tool = legacy ? "-legacy" : "";
        lab.Host.Exec($"iptables{tool}", "-P", "FORWARD", "DROP").EnsureSuccess("iptables -P FORWARD DROP");
        lab.Host.Exec($"ip6tables{tool}", "-P", "FORWARD", "DROP").EnsureSuccess("ip6tables -P FORWARD DROP");
        var outside4 = System.Net.IPAddress.Parse(FirewallLab.OutsideV4);
        var outside6 = System.Net.IPAddress.Parse(FirewallLab.OutsideV6);
        Assert.False(FirewallLab.Connects(c1, lab.Outside, outside4), "precondition: FORWARD DROP blocks the container");

        lab.Ok("ADD", "c1", c1.Path, lab.Conf("fwnet", $"\"backend\":\"{backend}\"", r1));

        Assert.True(FirewallLab.Connects(c1, lab.Outside, outside4), $"{backend}: container cannot reach the outside over IPv4");
        Assert.True(FirewallLab.Connects(c1, lab.Outside, outside6), $"{backend}: container cannot reach the outside over IPv6");
        Assert.False(FirewallLab.Connects(c2, lab.Outside, outside4), "a container without the firewall plugin must stay blocked");
        var saved = lab.IptablesSave(legacy: legacy);
        Assert.Contains("-j ACCEPT", saved); // the accept sits in the chain that holds the DROP
        Assert.Contains(FirewallLab.Address(r1).ToString(), saved);

        lab.Ok("DEL", "c1", null, lab.Conf("fwnet", $"\"backend\":\"{backend}\""));
        Assert.False(FirewallLab.Connects(c1, lab.Outside, outside4), "DEL must close the path again");
        Assert.Equal(0, lab.OurRules());
        lab.Ok("DEL", "c1", null, lab.Conf("fwnet", $"\"backend\":\"{backend}\""));
    }

    /// <summary>
    /// Two bridges with same-bridge: traffic between them is dropped both ways, within a bridge and to the
    /// outside it flows. DEL of a bridge's last attachment removes that bridge's isolation.
    /// </summary>
    [Theory]
    [InlineData("nftables")]
    [InlineData("iptables")]
    public void SameBridgeDropsTrafficBetweenBridgesOnly(string backend)
    {
        using var lab = new FirewallLab();
        var (c1, r1) = lab.Attach("c1", "neta", "cnibr0", "10.31.0.0/24");
        var (c2, r2) = lab.Attach("c2", "neta", "cnibr0", "10.31.0.0/24");
        var (c3, r3) = lab.Attach("c3", "netb", "cnibr1", "10.32.0.0/24");
        Assert.True(FirewallLab.Connects(c1, c3, FirewallLab.Address(r3)), "precondition: bridges route to each other");

        string extra = $"\"backend\":\"{backend}\",\"ingressPolicy\":\"same-bridge\"";
        lab.Ok("ADD", "c1", c1.Path, lab.Conf("neta", extra, r1));
        lab.Ok("ADD", "c2", c2.Path, lab.Conf("neta", extra, r2));
        lab.Ok("ADD", "c3", c3.Path, lab.Conf("netb", extra, r3));

        Assert.False(FirewallLab.Connects(c1, c3, FirewallLab.Address(r3)), "cnibr0 -> cnibr1 must be dropped");
        Assert.False(FirewallLab.Connects(c3, c1, FirewallLab.Address(r1)), "cnibr1 -> cnibr0 must be dropped");
        Assert.True(FirewallLab.Connects(c1, c2, FirewallLab.Address(r2)), "within cnibr0 traffic must flow");
        Assert.True(FirewallLab.Connects(c3, lab.Outside, System.Net.IPAddress.Parse(FirewallLab.OutsideV4)), "the outside stays reachable");

        lab.Ok("DEL", "c3", c3.Path, lab.Conf("netb", extra));
        Assert.DoesNotContain("cnibr1", lab.Host.Exec("nft", "list", "ruleset").Stdout);
        Assert.DoesNotContain("cnibr1", lab.IptablesSave());
        Assert.True(FirewallLab.Connects(c1, c3, FirewallLab.Address(r3)), "cnibr1 is no longer isolated after its last DEL");

        lab.Ok("DEL", "c1", c1.Path, lab.Conf("neta", extra));
        lab.Ok("DEL", "c2", c2.Path, lab.Conf("neta", extra));
        Assert.Equal(0, lab.OurRules());
    }

    /// <summary>
    /// isolated: containers of one bridge cannot reach each other; the outside stays reachable. Bridged frames
    /// reach the forward hook only through br_netfilter, for both backends (as with the reference).
    /// </summary>
    [Theory]
    [InlineData("nftables")]
    [InlineData("iptables")]
    public void IsolatedDropsTrafficWithinTheBridge(string backend)
    {
        using var lab = new FirewallLab();
        Assert.SkipUnless(lab.Host.Exec("cat", "/proc/sys/net/bridge/bridge-nf-call-iptables").Stdout.Trim() == "1",
            "isolation inside one bridge needs br_netfilter (module br_netfilter, bridge-nf-call-iptables=1)");
        var (c1, r1) = lab.Attach("c1", "neti", "cnibr0", "10.31.0.0/24");
        var (c2, r2) = lab.Attach("c2", "neti", "cnibr0", "10.31.0.0/24");
        Assert.True(FirewallLab.Connects(c1, c2, FirewallLab.Address(r2)), "precondition: same-bridge containers talk");

        string extra = $"\"backend\":\"{backend}\",\"ingressPolicy\":\"isolated\"";
        lab.Ok("ADD", "c1", c1.Path, lab.Conf("neti", extra, r1));
        lab.Ok("ADD", "c2", c2.Path, lab.Conf("neti", extra, r2));

        Assert.False(FirewallLab.Connects(c1, c2, FirewallLab.Address(r2)), "isolated: c1 -> c2 must be dropped");
        Assert.True(FirewallLab.Connects(c1, lab.Outside, System.Net.IPAddress.Parse(FirewallLab.OutsideV4)), "the outside stays reachable");

        lab.Ok("DEL", "c1", null, lab.Conf("neti", extra));
        lab.Ok("DEL", "c2", null, lab.Conf("neti", extra));
        Assert.Equal(0, lab.OurRules());
        Assert.True(FirewallLab.Connects(c1, c2, FirewallLab.Address(r2)), "isolation leaves with the last attachment");
    }
}
