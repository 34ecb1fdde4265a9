using Cni.TestKit;

namespace Cni.Plugins.Tests.Portmap;

/// <summary>
/// The iptables backend (one iptables-restore batch per family and ADD): the same traffic guarantees as the
/// nftables backend, rules read back with iptables-save / ip6tables-save in the throwaway host namespace.
/// </summary>
public sealed class PortmapIptablesTests
{
    private static void RequireTools()
    {
        Requires.Binary("/usr/sbin/iptables-restore", "the iptables backend; Debian package iptables");
        Requires.Binary("/usr/sbin/ip6tables-restore", "the iptables backend; Debian package iptables");
    }

    [Fact]
    public void IptablesBackendCarriesTrafficAndDelRemovesEverything()
    {
        RequireTools();
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1", v6: true);
        var (c2, _) = lab.Container("ctr2", v6: true);
        lab.Serve(c1, "c1", 80);
        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8080, 80) + "," + PortmapLab.Map(8053, 80, "udp"), "\"backend\":\"iptables\""));

        string v4 = lab.IptablesNat(), v6 = lab.IptablesNat(v6: true);
        Assert.Contains("-j DNAT --to-destination 10.77.0.2:80", v4);
        Assert.Contains("-j DNAT --to-destination [fd00:77::2]:80", v6);
        Assert.Contains("--comment \"cni-", v4);
        Assert.Contains("pm 4 tcp 8080 *", v4);
        Assert.Contains("-j MARK --set-xmark 0x2000/0x2000", v4);
        Assert.Contains("-m mark --mark 0x2000/0x2000", v4);
        Assert.Empty(lab.NftRules()); // nothing went to the nftables backend

        Assert.Equal("c1 192.168.77.2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080));
        Assert.Equal("c1 192.168.77.2", PortProbe.Udp(lab.Outside, PortmapLab.HostV4, 8053));
        Assert.Equal("c1 fd77::2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV6, 8080));
        Assert.Equal("c1 10.77.0.1", PortProbe.Tcp(c2, PortmapLab.HostV4, 8080)); // hairpin through the mark
        Assert.Equal("c1 10.77.0.1", PortProbe.Tcp(lab.Host, "127.0.0.1", 8080));

        var check = lab.Portmap("CHECK", "ctr1", c1.Path, lab.PortmapConf(r1, PortmapLab.Map(8080, 80) + "," + PortmapLab.Map(8053, 80, "udp"), "\"backend\":\"iptables\""));
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);

        var del = lab.Portmap("DEL", "ctr1", null, lab.PortmapConf(null, extra: "\"backend\":\"iptables\""));
        Assert.True(del.ExitCode == 0, del.Stdout + del.Stderr);
        foreach (var text in new[] { lab.IptablesNat(), lab.IptablesNat(v6: true) })
        {
            Assert.DoesNotContain("cni-", text);
            Assert.DoesNotContain("CNI-DN-", text);
        }
        Assert.Null(PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080, 500, attempts: 1));
        Assert.Equal(0, lab.Portmap("DEL", "ctr1", null, lab.PortmapConf(null, extra: "\"backend\":\"iptables\"")).ExitCode);
    }

    [Fact]
    public void IptablesSyntaxConditionsPickTheIptablesBackendAndApply()
    {
        RequireTools();
        using var lab = new PortmapLab();
        var (c1, r1) = lab.Container("ctr1");
        var (c2, r2) = lab.Container("ctr2");
        lab.Serve(c1, "c1", 80);
        lab.PortmapAdd("ctr1", c1, lab.PortmapConf(r1, PortmapLab.Map(8080, 80), "\"conditionsV4\":[\"-s\",\"192.168.77.0/24\"],\"markMasqBit\":5"));

        string nat = lab.IptablesNat();
        Assert.Contains("-s 192.168.77.0/24", nat);
        Assert.Contains("0x20/0x20", nat);
        Assert.Equal("c1 192.168.77.2", PortProbe.Tcp(lab.Outside, PortmapLab.HostV4, 8080));
        Assert.Null(PortProbe.Tcp(c2, PortmapLab.HostV4, 8080, 500, attempts: 1)); // source outside the condition

        // The port is claimed in this backend too.
        var clash = lab.Portmap("ADD", "ctr2", c2.Path, lab.PortmapConf(r2, PortmapLab.Map(8080, 80), "\"backend\":\"iptables\""));
        Assert.Equal(7, PortmapLab.Error(clash).Code);
    }
}
