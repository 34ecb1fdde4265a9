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
}
