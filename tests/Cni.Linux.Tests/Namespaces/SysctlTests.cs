using Cni.Linux.Netlink;
using Cni.Linux.Netns;
using Cni.Linux.Sysctl;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

public class SysctlTests
{
    [Fact]
    public void WritesLandInTheTargetNamespaceOnly()
    {
        Requires.Root();
        using var s = NsScope.Create("sysctl");
        using var ns = NetNs.Open(s.Ns.Path);
        string hostForwarding = ProcSys.Read("net.ipv4.ip_forward");
        string target = hostForwarding == "1" ? "0" : "1";

        ProcSys.Write(ns, "net.ipv4.ip_forward", target);
        Assert.Equal(target, ProcSys.Read(ns, "net/ipv4/ip_forward"));
        Assert.Equal(target, s.Ns.Exec("cat", "/proc/sys/net/ipv4/ip_forward").EnsureSuccess("cat").Stdout.Trim());
        Assert.Equal(hostForwarding, ProcSys.Read("net.ipv4.ip_forward"));
    }

    [Fact]
    public void InterfaceNamesWithDotsWork()
    {
        Requires.Root();
        using var s = NsScope.Create("dots");
        using var ns = NetNs.Open(s.Ns.Path);
        s.Nl.CreateLink(new BridgeLink { Name = "br.100" });

        ProcSys.Write(ns, "net.ipv4.conf.br.100.arp_notify", "1");
        Assert.Equal("1", ProcSys.Read(ns, "net/ipv4/conf/br.100/arp_notify"));
        Assert.Equal("1", s.Ns.Exec("cat", "/proc/sys/net/ipv4/conf/br.100/arp_notify").EnsureSuccess("cat").Stdout.Trim());
    }

    [Fact]
    public void MissingKeyNamesTheKey()
    {
        Requires.Root();
        using var s = NsScope.Create("nokey");
        using var ns = NetNs.Open(s.Ns.Path);
        var e = Assert.Throws<IOException>(() => ProcSys.Read(ns, "net.ipv4.conf.nope0.arp_notify"));
        Assert.Contains("net.ipv4.conf.nope0.arp_notify", e.Message);
    }

    [Fact]
    public void MissingKeyIsFileNotFoundInsideAndARefusedValueIsNot()
    {
        Requires.Root();
        using var s = NsScope.Create("sysctlerr");
        using var ns = NetNs.Open(s.Ns.Path);
        // Callers (tuning) tell "no such key" from "the kernel refused" by the inner exception.
        var missing = Assert.Throws<IOException>(() => ProcSys.Write(ns, "net.ipv4.conf.nope0.arp_notify", "1"));
        Assert.IsType<FileNotFoundException>(missing.InnerException);
        Assert.Contains("ENOENT", missing.Message);
        var refused = Assert.Throws<IOException>(() => ProcSys.Write(ns, "net.ipv4.ip_forward", "not-a-number"));
        Assert.IsNotType<FileNotFoundException>(refused.InnerException);
        Assert.Contains("EINVAL", refused.Message);
        Assert.Equal(s.Ns.Exec("cat", "/proc/sys/net/ipv4/ip_forward").EnsureSuccess("cat").Stdout.Trim(), ProcSys.Read(ns, "net.ipv4.ip_forward"));
    }

    [Fact]
    public void LongValuesAreReadWhole()
    {
        Requires.Root();
        using var s = NsScope.Create("sysctllong");
        using var ns = NetNs.Open(s.Ns.Path);
        // Longer than the first read buffer (256 bytes): the read loop must grow it, not truncate.
        string ports = string.Join(',', Enumerable.Range(0, 60).Select(i => 40000 + 3 * i));
        ProcSys.Write(ns, "net.ipv4.ip_local_reserved_ports", ports);
        string expected = s.Ns.Exec("cat", "/proc/sys/net/ipv4/ip_local_reserved_ports").EnsureSuccess("cat").Stdout.TrimEnd('\n');
        Assert.True(expected.Length > 256, $"value only {expected.Length} bytes");
        Assert.Equal(expected, ProcSys.Read(ns, "net.ipv4.ip_local_reserved_ports"));
    }

    [Fact]
    public void WriteIfDifferentSetsTheValueAndToleratesAMissingKeyOnlyWhenAsked()
    {
        Requires.Root();
        using var s = NsScope.Create("sysctlwid");
        using var ns = NetNs.Open(s.Ns.Path);
        string Cat() => s.Ns.Exec("cat", "/proc/sys/net/ipv4/conf/lo/arp_notify").EnsureSuccess("cat").Stdout.Trim();

        Assert.True(ns.Run(() => ProcSys.WriteIfDifferent("net.ipv4.conf.lo.arp_notify", "1")));
        Assert.Equal("1", Cat());
        Assert.True(ns.Run(() => ProcSys.WriteIfDifferent("net/ipv4/conf/lo/arp_notify", "1"))); // already so
        Assert.Equal("1", Cat());
        Assert.True(ns.Run(() => ProcSys.WriteIfDifferent("net.ipv4.conf.lo.arp_notify", "0")));
        Assert.Equal("0", Cat());

        Assert.False(ns.Run(() => ProcSys.WriteIfDifferent("net.ipv4.conf.nope0.arp_notify", "1", missingOk: true)));
        var missing = Assert.Throws<IOException>(() => ns.Run(() => ProcSys.WriteIfDifferent("net.ipv4.conf.nope0.arp_notify", "1")));
        Assert.IsType<FileNotFoundException>(missing.InnerException);
        var refused = Assert.Throws<IOException>(() => ns.Run(() => ProcSys.WriteIfDifferent("net.ipv4.ip_forward", "x")));
        Assert.Contains("EINVAL", refused.Message);
    }

    [Fact]
    public void ArpNotifyIsSetOverNetlink()
    {
        Requires.Root();
        using var s = NsScope.Create("arpnotify");
        s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        var br = s.Nl.GetLink("br0");
        string Cat() => s.Ns.Exec("cat", "/proc/sys/net/ipv4/conf/br0/arp_notify").EnsureSuccess("cat").Stdout.Trim();

        s.Nl.SetArpNotify(br.Index, true);
        Assert.Equal("1", Cat());
        s.Nl.SetArpNotify(br.Index, false);
        Assert.Equal("0", Cat());
        Assert.ThrowsAny<NetlinkException>(() => s.Nl.SetArpNotify(987654, true));
    }

    [Fact]
    public void ForwardingIsReadOverNetlinkAsProcSysHasIt()
    {
        Requires.Root();
        using var s = NsScope.Create("netconf");
        using var ns = NetNs.Open(s.Ns.Path);
        foreach (var (family, key) in new[]
        {
            (System.Net.Sockets.AddressFamily.InterNetwork, "net/ipv4/ip_forward"),
            (System.Net.Sockets.AddressFamily.InterNetworkV6, "net/ipv6/conf/all/forwarding"),
        })
        {
            if (family == System.Net.Sockets.AddressFamily.InterNetworkV6 && !File.Exists("/proc/sys/net/ipv6/conf/all/forwarding"))
                continue; // a kernel without IPv6 has nothing to read
            ProcSys.Write(ns, key, "0");
            Assert.False(s.Nl.GetForwarding(family));
            ProcSys.Write(ns, key, "1");
            Assert.True(s.Nl.GetForwarding(family));
            Assert.Equal("1", s.Ns.Exec("cat", "/proc/sys/" + key).EnsureSuccess("cat").Stdout.Trim());
        }
    }

    [Fact]
    public void Ipv6AcceptRaComesWithTheLink()
    {
        Requires.Root();
        Assert.SkipUnless(File.Exists("/proc/sys/net/ipv6/conf/all/accept_ra"), "needs IPv6 in the kernel (net.ipv6.conf)");
        using var s = NsScope.Create("acceptra");
        using var ns = NetNs.Open(s.Ns.Path);
        s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        ProcSys.Write(ns, "net/ipv6/conf/br0/accept_ra", "2");
        Assert.Equal(2, s.Nl.GetLink("br0").Ipv6AcceptRa);
        ProcSys.Write(ns, "net/ipv6/conf/br0/accept_ra", "0");
        Assert.Equal(0, s.Nl.GetLink("br0").Ipv6AcceptRa);
        Assert.Equal(0, Assert.Single(s.Nl.ListLinks(), l => l.Name == "br0").Ipv6AcceptRa);
    }
}
