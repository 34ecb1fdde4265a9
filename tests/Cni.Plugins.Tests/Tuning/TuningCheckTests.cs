using Xunit;

namespace Cni.Plugins.Tests.Tuning;

/// <summary>CHECK passes right after ADD and fails once any tuned value is changed behind the plugin's back.</summary>
public sealed class TuningCheckTests
{
    private const string Conf =
        "\"mac\":\"c2:11:22:33:44:55\",\"mtu\":1400,\"promisc\":true,\"allmulti\":true,\"txQLen\":500," +
        "\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_filter\":\"1\",\"net.ipv4.ip_local_port_range\":\"20000 30000\"}";

    [Theory]
    [InlineData("address", "c2:11:22:33:44:66")] // C48
    [InlineData("mtu", "1300")]
    [InlineData("promisc", "off")]
    [InlineData("allmulticast", "off")]
    [InlineData("txqueuelen", "600")]
    public void ChangedLinkAttributeFailsCheck(string attribute, string value)
    {
        using var lab = new TuningLab();
        var conf = lab.Conf(Conf);
        lab.Ok("ADD", conf);
        var ok = lab.Run("CHECK", conf);
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("", ok.Stdout);
        lab.Ns.Ip("link", "set", "eth0", attribute, value);
        TuningLab.Err(lab.Run("CHECK", conf));
    }

    [Fact]
    public void ChangedSysctlFailsCheck()
    {
        using var lab = new TuningLab();
        var conf = lab.Conf(Conf);
        lab.Ok("ADD", conf);
        // Read back tab-separated; CHECK must still see it as equal to "20000 30000".
        Assert.Equal("20000\t30000", lab.Sysctl("net/ipv4/ip_local_port_range"));
        Assert.Equal(0, lab.Run("CHECK", conf).ExitCode);
        lab.Ns.Exec("sh", "-c", "echo 0 > /proc/sys/net/ipv4/conf/eth0/arp_filter").EnsureSuccess("reset arp_filter");
        var e = TuningLab.Err(lab.Run("CHECK", conf));
        Assert.Contains("arp_filter", e.GetProperty("msg").GetString());
    }

    [Fact]
    public void PromiscFalseRequiresPromiscOff()
    {
        using var lab = new TuningLab();
        var conf = lab.Conf("\"promisc\":false");
        lab.Ok("ADD", conf);
        Assert.Equal(0, lab.Run("CHECK", conf).ExitCode);
        lab.Ns.Ip("link", "set", "eth0", "promisc", "on");
        TuningLab.Err(lab.Run("CHECK", conf));
        // Without the key promisc is not tuning's business.
        Assert.Equal(0, lab.Run("CHECK", lab.Conf("")).ExitCode);
    }

    [Fact]
    public void CheckAndAddWithoutPrevResultFail()
    {
        using var lab = new TuningLab();
        TuningLab.Err(lab.Run("CHECK", lab.Conf("\"mtu\":1400", prev: false))); // C49
        TuningLab.Err(lab.Run("ADD", lab.Conf("\"mtu\":1400", prev: false)), 7); // C35
        Assert.Equal(1500, lab.Mtu);
    }

    [Fact]
    public void CheckBelow040IsRefused()
    {
        using var lab = new TuningLab();
        TuningLab.Err(lab.Run("CHECK", lab.Conf("", "0.3.1")), 1);
    }
}
