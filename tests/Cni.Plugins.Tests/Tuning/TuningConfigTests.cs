using Xunit;

namespace Cni.Plugins.Tests.Tuning;

/// <summary>What the config may ask for: sysctl confinement, the allow-list, MAC sources and their precedence.</summary>
public sealed class TuningConfigTests
{
    [Theory]
    [InlineData("/proc/sys/net/core/somaxconn")]
    [InlineData("/net/core/somaxconn")]
    [InlineData("net/../kernel/hostname")]
    [InlineData("net/ipv4/conf/IFNAME/../../../../kernel/hostname")]
    [InlineData("net/./core/somaxconn")]
    [InlineData("kernel.hostname")]
    [InlineData("vm.swappiness")]
    [InlineData("net..core.somaxconn")]
    [InlineData("net")]
    public void SysctlOutsideProcSysNetIsError7AndNothingChanges(string key)
    {
        using var lab = new TuningLab();
        var r = lab.Run("ADD", lab.Conf($"\"mtu\":1400,\"sysctl\":{{\"{key}\":\"1\"}}"));
        TuningLab.Err(r, 7);
        Assert.Equal(1500, lab.Mtu);
        Assert.False(File.Exists(lab.StateFile()));
    }

    [Fact]
    public void UnknownSysctlIsError7AndNothingChanges()
    {
        using var lab = new TuningLab();
        var r = lab.Run("ADD", lab.Conf("\"mtu\":1400,\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_filter\":\"1\",\"net.core.no_such_key\":\"1\"}"));
        TuningLab.Err(r, 7);
        Assert.Equal(1500, lab.Mtu);
        Assert.Equal("0", lab.Sysctl("net/ipv4/conf/eth0/arp_filter"));
    }

    [Theory]
    [InlineData("\"net.ipv4.conf.eth0.arp_filter\":\"1\",\"net/ipv4/conf/eth0/arp_filter\":\"0\"")]
    [InlineData("\"net.ipv4.conf.IFNAME.arp_filter\":\"1\",\"net.ipv4.conf.eth0.arp_filter\":\"0\"")]
    [InlineData("\"net.core.somaxconn\":\"1\",\"net.core.somaxconn\":\"2\"")]
    public void DuplicateSysctlKeysAreRejected(string members)
    {
        using var lab = new TuningLab();
        TuningLab.Err(lab.Run("ADD", lab.Conf($"\"sysctl\":{{{members}}}")), 7);
    }

    [Fact]
    public void ArgsCniSysctlOverridesAndAddsKeys()
    {
        using var lab = new TuningLab();
        lab.Ok("ADD", lab.Conf("\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_filter\":\"1\"}," +
                               "\"args\":{\"cni\":{\"sysctl\":{\"net/ipv4/conf/eth0/arp_filter\":\"0\",\"net.ipv4.conf.IFNAME.arp_ignore\":\"1\"},\"mtu\":1450}}"));
        Assert.Equal("0", lab.Sysctl("net/ipv4/conf/eth0/arp_filter"));
        Assert.Equal("1", lab.Sysctl("net/ipv4/conf/eth0/arp_ignore"));
        Assert.Equal(1450, lab.Mtu);
    }

    [Fact]
    public void AllowListPermitsMatchingKeysAndRefusesOthers()
    {
        using var lab = new TuningLab();
        File.WriteAllLines(lab.AllowlistPath, ["# per-interface ARP knobs only", @"^net\.ipv4\.conf\.IFNAME\.arp_[a-z]+$", ""]);
        lab.Ok("ADD", lab.Conf("\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_filter\":\"1\"}"));
        Assert.Equal("1", lab.Sysctl("net/ipv4/conf/eth0/arp_filter"));

        var e = TuningLab.Err(lab.Run("ADD", lab.Conf("\"mtu\":1400,\"sysctl\":{\"net.core.somaxconn\":\"10\"}"), "c2"), 7);
        Assert.Contains("net.core.somaxconn", e.GetProperty("msg").GetString());
        Assert.Equal(1500, lab.Mtu);
        // args.cni cannot sneak a key past the list either.
        TuningLab.Err(lab.Run("ADD", lab.Conf("\"args\":{\"cni\":{\"sysctl\":{\"net.core.somaxconn\":\"10\"}}}"), "c3"), 7);
    }

    [Fact]
    public void EmptyAllowListAllowsNoSysctlButLinkAttributes()
    {
        using var lab = new TuningLab();
        File.WriteAllText(lab.AllowlistPath, "\n");
        TuningLab.Err(lab.Run("ADD", lab.Conf("\"sysctl\":{\"net.core.somaxconn\":\"10\"}")), 7);
        lab.Ok("ADD", lab.Conf("\"mtu\":1400"));
        Assert.Equal(1400, lab.Mtu);
    }

    /// <summary>
    /// No allow-list file means no restriction, but one that exists and cannot be read must fail the ADD (code 5),
    /// never count as absent: that would silently lift the administrator's restriction.
    /// </summary>
    [Fact]
    public void MissingAllowListAllowsAndUnreadableOneFailsClosed()
    {
        using var lab = new TuningLab();
        var sysctl = lab.Conf("\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_filter\":\"1\"}");
        Assert.False(File.Exists(lab.AllowlistPath));
        lab.Ok("ADD", sysctl);
        Assert.Equal("1", lab.Sysctl("net/ipv4/conf/eth0/arp_filter"));

        Directory.CreateDirectory(lab.AllowlistPath); // there, but not a readable list
        TuningLab.Err(lab.Run("ADD", sysctl, "c2"), 5);
    }

    /// <summary>Later wins: config mac, CNI_ARGS MAC, runtimeConfig.mac (capability mac), args.cni.mac.</summary>
    [Theory]
    [InlineData(true, false, false, false, "02:00:00:00:00:01")]
    [InlineData(true, true, false, false, "02:00:00:00:00:02")]
    [InlineData(true, true, true, false, "02:00:00:00:00:03")]
    [InlineData(true, true, true, true, "02:00:00:00:00:04")]
    [InlineData(false, true, false, false, "02:00:00:00:00:02")]
    [InlineData(false, false, true, false, "02:00:00:00:00:03")]
    [InlineData(false, false, false, true, "02:00:00:00:00:04")]
    public void MacSourcesAndPrecedence(bool config, bool cniArgs, bool runtimeConfig, bool argsCni, string expected)
    {
        using var lab = new TuningLab();
        var members = new List<string>();
        if (config) members.Add("\"mac\":\"02:00:00:00:00:01\"");
        if (runtimeConfig) members.Add("\"capabilities\":{\"mac\":true},\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:03\"}");
        if (argsCni) members.Add("\"args\":{\"cni\":{\"mac\":\"02:00:00:00:00:04\"}}");
        var result = lab.Ok("ADD", lab.Conf(string.Join(",", members)), cniArgs: cniArgs ? "IgnoreUnknown=1;K8S_POD_NAME=p;MAC=02:00:00:00:00:02" : null);
        Assert.Equal(expected, lab.Mac);
        Assert.Equal(expected, result.GetProperty("interfaces")[0].GetProperty("mac").GetString()); // C36
    }

    [Theory]
    [InlineData("\"mac\":\"zz:00:00:00:00:01\"", 7)]
    [InlineData("\"mac\":\"03:00:00:00:00:01\"", 7)]
    [InlineData("\"mtu\":-1", 7)]
    [InlineData("\"txQLen\":-5", 7)]
    [InlineData("\"mtu\":\"1400\"", 6)]
    [InlineData("\"promisc\":\"yes\"", 6)]
    [InlineData("\"sysctl\":{\"net.core.somaxconn\":10}", 6)]
    public void BadValuesAreRefusedBeforeAnyChange(string members, int code)
    {
        using var lab = new TuningLab();
        TuningLab.Err(lab.Run("ADD", lab.Conf(members)), code);
        Assert.False(File.Exists(lab.StateFile()));
    }

    [Fact]
    public void UnknownCniArgsKeyWithoutIgnoreUnknownIsError4()
    {
        using var lab = new TuningLab();
        TuningLab.Err(lab.Run("ADD", lab.Conf(), cniArgs: "K8S_POD_NAME=p"), 4);
    }

    [Fact]
    public void UnknownConfigKeysAndCapabilitiesAreTolerated() // C64
    {
        using var lab = new TuningLab();
        lab.Ok("ADD", lab.Conf("\"capabilities\":{\"portMappings\":true},\"someOtherKey\":{\"x\":1}"));
    }
}
