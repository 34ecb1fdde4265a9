using Cni.Plugins.Macvlan;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Macvlan;

/// <summary>
/// How ADD makes the link: straight inside the container (never on the host), with bcqueuelen applied, next
/// to a host link that has the container's interface name, and undone together with the lease IPAM handed
/// out concurrently when the kernel refuses the link (on creation or when it comes up).
/// </summary>
public sealed class MacvlanCreationTests
{
    private const string Uplink = "\"master\":\"uplink\"";

    [Fact]
    public void BcQueueLenIsAppliedToTheLink()
    {
        using var lab = new ParentLab();
        RequireBcQueueLen(lab);
        var c1 = lab.NewContainer();
        lab.Add(new MacvlanPlugin(), "ctr1", c1, lab.Conf("macvlan", $"{Uplink},\"bcqueuelen\":2345", lab.HostLocal()));

        var data = ParentLab.Link(c1, "eth0")!.Value.GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal(2345, data.GetProperty("bcqueuelen").GetInt32());
        Assert.Equal(2345, data.GetProperty("usedbcqueuelen").GetInt32());
    }

    [Fact]
    public void WithoutBcQueueLenTheKernelDefaultStays()
    {
        using var lab = new ParentLab();
        RequireBcQueueLen(lab);
        var c1 = lab.NewContainer();
        lab.Add(new MacvlanPlugin(), "ctr1", c1, lab.Conf("macvlan", $"{Uplink},\"bcqueuelen\":0", lab.HostLocal()));
        Assert.Equal(1000, ParentLab.Link(c1, "eth0")!.Value.GetProperty("linkinfo").GetProperty("info_data").GetProperty("bcqueuelen").GetInt32());
    }

    /// <summary>The kernel announces the new link's addresses itself: arp_notify and ndisc_notify on, as in the reference.</summary>
    [Fact]
    public void AddTurnsOnAddressAnnouncements()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        lab.Add(new MacvlanPlugin(), "ctr1", c1, lab.Conf("macvlan", Uplink, lab.HostLocal()));
        Assert.Equal("1", c1.Exec("cat", "/proc/sys/net/ipv4/conf/eth0/arp_notify").EnsureSuccess("cat").Stdout.Trim());
        Assert.Equal("1", c1.Exec("cat", "/proc/sys/net/ipv6/conf/eth0/ndisc_notify").EnsureSuccess("cat").Stdout.Trim());
    }

    [Fact]
    public void AHostLinkCalledLikeTheContainerInterfaceIsLeftAlone()
    {
        using var lab = new ParentLab();
        lab.Host.Ip("link", "add", "eth0", "mtu", "1450", "type", "veth", "peer", "name", "eth0p");
        var before = ParentLab.Link(lab.Host, "eth0")!.Value;
        var c1 = lab.NewContainer();

        var r = lab.Add(new MacvlanPlugin(), "ctr1", c1, lab.Conf("macvlan", Uplink, lab.HostLocal()));

        Assert.Equal("macvlan", ParentLab.Link(c1, "eth0")!.Value.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        var after = ParentLab.Link(lab.Host, "eth0")!.Value;
        Assert.Equal("veth", after.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Equal(before.GetProperty("ifindex").GetInt32(), after.GetProperty("ifindex").GetInt32());
        Assert.Equal(before.GetProperty("address").GetString(), after.GetProperty("address").GetString());
        Assert.Equal(1450, after.GetProperty("mtu").GetInt32());
        Assert.Equal(["eth0", "eth0p", ParentLab.Master], ParentLab.LinkNames(lab.Host).Order());
        Assert.True(ParentLab.Ping(c1, ParentLab.FarAddress), "no traffic from " + ParentLab.Address(r));
    }

    [Fact]
    public void ALinkTheKernelRefusesReleasesTheLeaseIpamGaveMeanwhile()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        lab.Add(new MacvlanPlugin(), "ctr1", c1, lab.Conf("macvlan", Uplink, lab.HostLocal()));

        // A passthru macvlan must be its parent's only one: the kernel refuses the RTM_NEWLINK (EINVAL).
        var r = lab.Run(new MacvlanPlugin(), "ADD", "ctr2", c2, lab.Conf("macvlan", $"{Uplink},\"mode\":\"passthru\"", lab.HostLocal()));

        Assert.Equal(999, ParentLab.Code(r));
        Assert.Contains($"failed to create macvlan eth0 on uplink in {c2.Path}", r.Stdout);
        Assert.Empty(ParentLab.LinkNames(c2));
        Assert.Single(lab.Leases());
        Assert.Equal([ParentLab.Master], ParentLab.LinkNames(lab.Host));
    }

    [Fact]
    public void AMacTheKernelRefusesAtLinkUpIsRolledBackToo()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        string conf = lab.Conf("macvlan", $"{Uplink},\"mac\":\"02:00:00:00:00:07\"", lab.HostLocal());
        lab.Add(new MacvlanPlugin(), "ctr1", c1, conf);

        // Two macvlans on one parent cannot share a MAC; the kernel only notices when the second comes up.
        var r = lab.Run(new MacvlanPlugin(), "ADD", "ctr2", c2, conf);

        Assert.Equal(999, ParentLab.Code(r));
        Assert.Contains("EADDRINUSE", r.Stdout);
        Assert.Empty(ParentLab.LinkNames(c2));
        Assert.Single(lab.Leases());
    }

    [Fact]
    public void WithLinkInContainerTheLinkIsMadeOnTheContainersOwnMaster()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        c1.Ip("link", "add", "cup", "type", "veth", "peer", "name", "feth1", "netns", lab.Far.Name);
        c1.Ip("link", "set", "cup", "up");
        lab.Far.Ip("addr", "add", "10.78.0.254/24", "dev", "feth1");
        lab.Far.Ip("link", "set", "feth1", "up");
        string conf = lab.Conf("macvlan", "\"master\":\"cup\",\"linkInContainer\":true", lab.HostLocal("10.78.0.0/24"));

        lab.Add(new MacvlanPlugin(), "ctr1", c1, conf);

        var link = ParentLab.Link(c1, "eth0")!.Value;
        Assert.Equal("macvlan", link.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Equal("cup", link.GetProperty("link").GetString());
        Assert.Equal([ParentLab.Master], ParentLab.LinkNames(lab.Host));
        Assert.True(ParentLab.Ping(c1, "10.78.0.254"), "no traffic over the container's own master");
        Assert.Equal(0, lab.Run(new MacvlanPlugin(), "DEL", "ctr1", c1, conf).ExitCode);
        Assert.Equal(["cup"], ParentLab.LinkNames(c1));
    }

    /// <summary>bcqueuelen (IFLA_MACVLAN_BC_QUEUE_LEN) exists since Linux 5.11; older kernels are covered in the VM test.</summary>
    private static void RequireBcQueueLen(ParentLab lab)
    {
        var r = Sh.Run("ip", "-n", lab.Host.Name, "link", "add", "probe0", "link", ParentLab.Master, "type", "macvlan", "bcqueuelen", "1234");
        bool shown = r.ExitCode == 0 && ParentLab.Link(lab.Host, "probe0") is { } probe
            && probe.GetProperty("linkinfo").GetProperty("info_data").TryGetProperty("bcqueuelen", out _);
        if (r.ExitCode == 0) lab.Host.Ip("link", "del", "probe0");
        Assert.SkipUnless(shown, $"needs IFLA_MACVLAN_BC_QUEUE_LEN (Linux 5.11+) shown by iproute2 as bcqueuelen: {r.Stderr.Trim()}");
    }
}
