using System.Text.Json;
using Cni.Plugins.Macvlan;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Macvlan;

/// <summary>ADD read-back (MAC, MTU, mode, DNS), CHECK, DEL, GC, STATUS and rollback, against the kernel.</summary>
public sealed class MacvlanLifecycleTests
{
    private const string Uplink = "\"master\":\"uplink\"";

    [Theory]
    [InlineData("\"mac\":\"02:00:00:00:00:01\"", null, "02:00:00:00:00:01")]
    [InlineData("\"mac\":\"02:00:00:00:00:01\"", "IgnoreUnknown=1;MAC=02:00:00:00:00:02", "02:00:00:00:00:02")]
    [InlineData("\"mac\":\"02:00:00:00:00:01\",\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:03\"}", "IgnoreUnknown=1;MAC=02:00:00:00:00:02", "02:00:00:00:00:03")]
    public void MacAndMtuAreReadBack(string macKeys, string? cniArgs, string expectedMac)
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var r = lab.Add(new MacvlanPlugin(), "ctr1", c1, lab.Conf("macvlan", $"{Uplink},\"mtu\":1400,{macKeys}", lab.HostLocal()), cniArgs);

        var link = ParentLab.Link(c1, "eth0")!.Value;
        Assert.Equal(expectedMac, link.GetProperty("address").GetString());
        Assert.Equal(1400, link.GetProperty("mtu").GetInt32());
        Assert.Equal("macvlan", link.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Equal("bridge", link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("mode").GetString());
        var iface = r.GetProperty("interfaces")[0];
        Assert.Equal(expectedMac, iface.GetProperty("mac").GetString());
        Assert.Equal(c1.Path, iface.GetProperty("sandbox").GetString());
        Assert.Equal(0, r.GetProperty("ips")[0].GetProperty("interface").GetInt32());
        Assert.Contains(ParentLab.Address(r) + "/24", c1.IpJson("addr", "show", "dev", "eth0")[0].GetProperty("addr_info")
            .EnumerateArray().Select(a => a.GetProperty("local").GetString() + "/" + a.GetProperty("prefixlen").GetInt32()));
        // No temporary name was left on the host.
        Assert.Equal([ParentLab.Master], ParentLab.LinkNames(lab.Host));
    }

    [Fact]
    public void MtuAboveTheMasterIsRefusedAndNothingIsLeft()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var r = lab.Run(new MacvlanPlugin(), "ADD", "ctr1", c1, lab.Conf("macvlan", $"{Uplink},\"mtu\":9000", lab.HostLocal()));
        Assert.Equal(7, ParentLab.Code(r));
        Assert.Contains("MTU", r.Stdout);
        Assert.Empty(ParentLab.LinkNames(c1));
        Assert.Empty(lab.Leases());
    }

    [Theory]
    [InlineData("\"mode\":\"bogus\"", 7)]
    [InlineData("\"mtu\":\"big\"", 6)]
    [InlineData("\"mac\":\"zz:00:00:00:00:01\"", 7)]
    [InlineData("\"mac\":\"01:00:00:00:00:01\"", 7)]
    [InlineData("\"bcqueuelen\":-1", 7)]
    [InlineData("\"master\":\"no-such-master\"", 7)]
    public void BadConfigIsRefusedBeforeAnythingIsCreated(string extra, int code)
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        string keys = extra.StartsWith("\"master\"", StringComparison.Ordinal) ? extra : $"{Uplink},{extra}";
        var r = lab.Run(new MacvlanPlugin(), "ADD", "ctr1", c1, lab.Conf("macvlan", keys, lab.HostLocal()));
        Assert.Equal(code, ParentLab.Code(r));
        Assert.Empty(ParentLab.LinkNames(c1));
        Assert.Empty(lab.Leases());
    }

    [Fact]
    public void IpamFailureRollsTheLinkBack()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var r = lab.Run(new MacvlanPlugin(), "ADD", "ctr1", c1, lab.Conf("macvlan", Uplink, "{\"type\":\"no-such-ipam\"}"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Empty(ParentLab.LinkNames(c1));
        Assert.Equal([ParentLab.Master], ParentLab.LinkNames(lab.Host));
    }

    [Fact]
    public void FailureAfterIpamReleasesTheLeaseAndDeletesTheLink()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        // The gateway is not on the link, so the route cannot be added: the last step of ADD fails.
        string ipam = lab.HostLocal(extra: ",\"routes\":[{\"dst\":\"10.99.0.0/16\",\"gw\":\"192.0.2.1\"}]");
        var r = lab.Run(new MacvlanPlugin(), "ADD", "ctr1", c1, lab.Conf("macvlan", Uplink, ipam));
        Assert.Equal(999, ParentLab.Code(r));
        Assert.Empty(ParentLab.LinkNames(c1));
        Assert.Empty(lab.Leases());
    }

    [Fact]
    public void L2OnlyBringsTheLinkUpWithoutAddresses()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var r = lab.Add(new MacvlanPlugin(), "ctr1", c1, lab.Conf("macvlan", Uplink));
        Assert.False(r.TryGetProperty("ips", out var ips) && ips.GetArrayLength() > 0);
        Assert.Contains("UP", ParentLab.Link(c1, "eth0")!.Value.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public void DnsFromIpamIsKeptWhenTheConfigHasNone()
    {
        using var lab = new ParentLab();
        string resolv = Path.Combine(lab.DataDir, "resolv.conf");
        File.WriteAllText(resolv, "nameserver 192.0.2.53\nsearch example.test\n");
        string ipam = lab.HostLocal(extra: $",\"resolvConf\":\"{resolv}\"");
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();

        var r1 = lab.Add(new MacvlanPlugin(), "ctr1", c1, lab.Conf("macvlan", Uplink, ipam));
        Assert.Equal("192.0.2.53", r1.GetProperty("dns").GetProperty("nameservers")[0].GetString());

        var r2 = lab.Add(new MacvlanPlugin(), "ctr2", c2, lab.Conf("macvlan", $"{Uplink},\"dns\":{{\"nameservers\":[\"198.51.100.1\"]}}", ipam));
        Assert.Equal(["198.51.100.1"], r2.GetProperty("dns").GetProperty("nameservers").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public void CheckPassesThenSeesDrift()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        string conf = lab.Conf("macvlan", Uplink, lab.HostLocal());
        var r = lab.Add(new MacvlanPlugin(), "ctr1", c1, conf);
        var ok = lab.Run(new MacvlanPlugin(), "CHECK", "ctr1", c1, ParentLab.WithPrev(conf, r));
        Assert.True(ok.ExitCode == 0, ok.Stdout);

        // The same link under another mode is not what was configured.
        var otherMode = lab.Run(new MacvlanPlugin(), "CHECK", "ctr1", c1, ParentLab.WithPrev(lab.Conf("macvlan", $"{Uplink},\"mode\":\"vepa\"", lab.HostLocal()), r));
        Assert.Contains("mode", ParentLab.Code(otherMode) == 999 ? otherMode.Stdout : "");

        c1.Ip("addr", "flush", "dev", "eth0");
        var drift = lab.Run(new MacvlanPlugin(), "CHECK", "ctr1", c1, ParentLab.WithPrev(conf, r));
        Assert.Equal(999, ParentLab.Code(drift));
        Assert.Contains("address", drift.Stdout);
    }

    [Fact]
    public void DelIsIdempotentAndWorksWithoutNetns()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        string conf = lab.Conf("macvlan", Uplink, lab.HostLocal());
        var r = lab.Add(new MacvlanPlugin(), "ctr1", c1, conf);
        Assert.Single(lab.Leases());
        // No netns: the lease still goes.
        Assert.Equal(0, lab.Run(new MacvlanPlugin(), "DEL", "ctr1", null, conf).ExitCode);
        Assert.Empty(lab.Leases());
        Assert.Equal(0, lab.Run(new MacvlanPlugin(), "DEL", "ctr1", c1, ParentLab.WithPrev(conf, r)).ExitCode);
        Assert.Equal(0, lab.Run(new MacvlanPlugin(), "DEL", "ctr1", c1, ParentLab.WithPrev(conf, r)).ExitCode);
        Assert.Empty(ParentLab.LinkNames(c1));
    }

    [Fact]
    public void StatusIsNotReadyWithoutAMaster()
    {
        using var lab = new ParentLab();
        Requires.Binary(Path.Combine(Repo.OutBin, "host-local"), "STATUS needs cniVersion 1.1.0 (our host-local)");
        Assert.Equal(0, lab.Run(new MacvlanPlugin(), "STATUS", "", null, lab.Conf("macvlan", Uplink, lab.HostLocal())).ExitCode);
        Assert.Equal(50, ParentLab.Code(lab.Run(new MacvlanPlugin(), "STATUS", "", null, lab.Conf("macvlan", "\"master\":\"gone0\"", lab.HostLocal()))));
        // No master and no default route in the host namespace: ADD could not pick one.
        Assert.Equal(50, ParentLab.Code(lab.Run(new MacvlanPlugin(), "STATUS", "", null, lab.Conf("macvlan", "", lab.HostLocal()))));
    }

    [Fact]
    public void GcReleasesLeasesOfGoneAttachments()
    {
        using var lab = new ParentLab();
        Requires.Binary(Path.Combine(Repo.OutBin, "host-local"), "GC needs cniVersion 1.1.0 (our host-local)");
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        string conf = lab.Conf("macvlan", Uplink, lab.HostLocal());
        lab.Add(new MacvlanPlugin(), "ctr1", c1, conf);
        var r2 = lab.Add(new MacvlanPlugin(), "ctr2", c2, conf);
        string gc = conf[..^1] + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"ctr2\",\"ifname\":\"eth0\"}]}";
        var r = lab.Run(new MacvlanPlugin(), "GC", "", null, gc);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Equal([ParentLab.Address(r2)], lab.Leases());
    }
}
