using Cni.Linux.Sysctl;

namespace Cni.Linux.Tests.Unit;

public class SysctlKeyTests
{
    [Theory]
    [InlineData("net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward")]
    [InlineData("net/ipv4/ip_forward", "/proc/sys/net/ipv4/ip_forward")]
    [InlineData("net.ipv4.conf.eth0.arp_notify", "/proc/sys/net/ipv4/conf/eth0/arp_notify")]
    [InlineData("net.ipv4.conf.eth0.100.arp_notify", "/proc/sys/net/ipv4/conf/eth0.100/arp_notify")]
    [InlineData("net.ipv6.neigh.br.0.1.base_reachable_time_ms", "/proc/sys/net/ipv6/neigh/br.0.1/base_reachable_time_ms")]
    [InlineData("net/ipv6/conf/eth0.100/accept_ra", "/proc/sys/net/ipv6/conf/eth0.100/accept_ra")]
    public void KeysMapToProcSysPaths(string key, string path) => Assert.Equal(path, ProcSys.PathOf(key));

    [Theory]
    [InlineData("net/../../etc/passwd")]
    [InlineData("net..ipv4")]
    [InlineData(" ")]
    public void KeysThatEscapeOrAreEmptyAreRejected(string key) => Assert.Throws<ArgumentException>(() => ProcSys.PathOf(key));
}
