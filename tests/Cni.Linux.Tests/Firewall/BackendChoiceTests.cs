using Cni.Linux.Firewall;
using Cni.Linux.Netns;
using Cni.TestKit;

namespace Cni.Linux.Tests.Firewall;

/// <summary>The automatic backend rule of Firewall/README.md, checked in throwaway namespaces.</summary>
public class BackendChoiceTests
{
    [Fact]
    public void AutoIsNftablesUnlessLegacyIptablesOwnsNatInTheNamespace()
    {
        Requires.Root();
        Requires.Binary("/usr/sbin/iptables-legacy", "to instantiate a legacy nat table in the test namespace");
        using var ns = TestNetns.Create("auto");
        using var netns = NetNs.Open(ns.Path);
        Assert.Equal("nftables", netns.Run(() => Firewalls.Create(null).Backend));
        Assert.Equal("nftables", netns.Run(() => Firewalls.Create("").Backend));

        ns.Exec("/usr/sbin/iptables-legacy", "-t", "nat", "-S").EnsureSuccess("iptables-legacy -t nat -S");

        Assert.Equal("iptables", netns.Run(() => Firewalls.Create(null).Backend));
        Assert.Equal("nftables", netns.Run(() => Firewalls.Create("nftables").Backend)); // explicit wins
    }
}
