using Cni.Linux.Firewall;
using Cni.TestKit;

namespace Cni.Linux.Tests.Firewall;

/// <summary>
/// The iptables backend in throwaway namespaces, read back with `ip netns exec NS iptables-save -t nat`
/// (and ip6tables-save). Skips when the tools are not installed.
/// </summary>
public class IptablesFirewallTests
{
    private static void RequireTools()
    {
        Requires.Root();
        Assert.SkipWhen(IptablesTool.Find(ipv6: false) == null || IptablesTool.Find(ipv6: true) == null,
            "needs iptables-save/-restore and ip6tables-save/-restore (package iptables)");
    }

    private static string Save(TestNetns ns, string tool = "iptables-save")
        => ns.Exec(tool, "-t", "nat").EnsureSuccess(tool + " in " + ns.Name).Stdout;

    private static string[] Lines(string save, string chain) => save.Split('\n').Where(l => l.StartsWith($"-A {chain} ", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void MasqueradeAddRemoveForTwoOwners()
    {
        RequireTools();
        using var fw = new FirewallScope("ipt", "iptables");
        var a = new FirewallOwner("net1", "ctr-a", "eth0");
        var b = new FirewallOwner("net1", "ctr-b", "eth0");
        fw.AddMasquerade(a, "10.1.0.2/24", "fd00:1::2/64");
        fw.AddMasquerade(b, "10.1.0.3/24");

        var v4 = Save(fw.Ns);
        string ca = a.IptablesChain, cb = b.IptablesChain;
        Assert.Equal(
            [$"-A POSTROUTING -s 10.1.0.2/32 -m comment --comment \"{a.Comment}\" -j {ca}",
             $"-A POSTROUTING -s 10.1.0.3/32 -m comment --comment \"{b.Comment}\" -j {cb}"],
            Lines(v4, "POSTROUTING"));
        Assert.Equal(
            [$"-A {ca} -d 10.1.0.0/24 -m comment --comment \"{a.Comment}\" -j ACCEPT",
             $"-A {ca} ! -d 224.0.0.0/4 -m comment --comment \"{a.Comment}\" -j MASQUERADE"],
            Lines(v4, ca));
        var v6 = Save(fw.Ns, "ip6tables-save");
        Assert.Equal([$"-A POSTROUTING -s fd00:1::2/128 -m comment --comment \"{a.Comment}\" -j {ca}"], Lines(v6, "POSTROUTING"));
        Assert.Contains($"-A {ca} ! -d ff00::/8 -m comment --comment \"{a.Comment}\" -j MASQUERADE", v6);

        fw.Run(f => f.RemoveMasquerade(a));
        v4 = Save(fw.Ns);
        v6 = Save(fw.Ns, "ip6tables-save");
        Assert.DoesNotContain(ca, v4);
        Assert.DoesNotContain(ca, v6);
        Assert.Single(Lines(v4, "POSTROUTING"));
        Assert.Equal(2, Lines(v4, cb).Length);

        fw.Run(f => f.RemoveMasquerade(a)); // nothing left: success
        fw.Run(f => f.RemoveMasquerade(b));
        Assert.Empty(Lines(Save(fw.Ns), "POSTROUTING"));
        Assert.DoesNotContain("CNI-", Save(fw.Ns));
    }

    [Fact]
    public void CollectRemovesExactlyTheStaleOwnersOfThatNetwork()
    {
        RequireTools();
        using var fw = new FirewallScope("ipt", "iptables");
        var keep = new FirewallOwner("net1", "ctr-a", "eth0");
        var stale = new FirewallOwner("net1", "ctr-b", "eth0");
        var other = new FirewallOwner("net2", "ctr-c", "eth0");
        fw.AddMasquerade(keep, "10.1.0.2/24");
        fw.AddMasquerade(stale, "10.1.0.3/24", "fd00:1::3/64");
        fw.AddMasquerade(other, "10.2.0.2/24");

        fw.Run(f => f.Collect("net1", [("ctr-a", "eth0")]));

        var v4 = Save(fw.Ns);
        Assert.Contains(keep.IptablesChain, v4);
        Assert.Contains(other.IptablesChain, v4);
        Assert.DoesNotContain(stale.IptablesChain, v4);
        Assert.DoesNotContain(stale.IptablesChain, Save(fw.Ns, "ip6tables-save"));
        Assert.Equal(2, Lines(v4, "POSTROUTING").Length);
    }
}
