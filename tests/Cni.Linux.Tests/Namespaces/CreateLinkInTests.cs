using Cni.Linux.Netlink;
using Cni.Linux.Netns;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

/// <summary>
/// <see cref="RouteNetlink.CreateLinkIn"/>: a macvlan asked for on a "host" namespace's socket, on a parent
/// there, registered straight inside a second ("container") namespace. Both namespaces are throwaway ones.
/// </summary>
public class CreateLinkInTests
{
    [Fact]
    public void MacvlanIsMadeInsideTheTargetOnTheHostParentAndReadBackThere()
    {
        KernelSupport.LinkKind("macvlan");
        using var host = NsScope.Create("cli-h");
        using var container = NsScope.Create("cli-c");
        using var target = NetNs.Open(container.Ns.Path);
        var parent = host.Nl.CreateLink(new VethLink { Name = "p0", PeerName = "p1" });

        var link = host.Nl.CreateLinkIn(new MacvlanLink { Name = "eth0", ParentIndex = parent.Index, Mode = MacvlanMode.Private, Mtu = 1400 },
            target, container.Nl);

        // The returned link is the container's view: its index there, its kind data, a parent in another netns.
        Assert.Equal("eth0", link.Name);
        Assert.Equal(container.Nl.GetLink("eth0").Index, link.Index);
        Assert.NotNull(link.NetNsId);
        Assert.Equal(MacvlanMode.Private, Assert.IsType<MacvlanLink>(link.Info).Mode);
        var ip = container.IpLink("eth0");
        Assert.Equal("macvlan", ip.GetProperty("linkinfo").Str("info_kind"));
        Assert.Equal("private", ip.GetProperty("linkinfo").GetProperty("info_data").Str("mode"));
        Assert.Equal(1400, ip.GetProperty("mtu").GetInt32());
        Assert.NotNull(ip.Str("link_netnsid"));
        // Nothing of it on the host: only lo and the veth pair.
        Assert.Equal(["lo", "p0", "p1"], host.Ns.IpJson("link", "show").EnumerateArray().Select(l => l.Str("ifname")!).Order());
    }

    [Fact]
    public void AHostLinkOfTheSameNameIsNeverTouched()
    {
        KernelSupport.LinkKind("macvlan");
        using var host = NsScope.Create("cli-h");
        using var container = NsScope.Create("cli-c");
        using var target = NetNs.Open(container.Ns.Path);
        var parent = host.Nl.CreateLink(new VethLink { Name = "eth0", PeerName = "p1", Mtu = 1450 });
        string hostMac = host.IpLink("eth0").Str("address")!;

        try
        {
            host.Nl.CreateLinkIn(new MacvlanLink { Name = "eth0", ParentIndex = parent.Index, Mtu = 1400 }, target, container.Nl);
            // Kernels since about 6.14 look the name up in the target namespace: the macvlan exists there.
            Assert.Equal("macvlan", container.IpLink("eth0").GetProperty("linkinfo").Str("info_kind"));
        }
        catch (NetlinkException e) when (e.ErrnoName == "EEXIST")
        {
            // Older kernels look it up in the sender's namespace; NLM_F_EXCL turns that into EEXIST.
            Assert.False(container.Nl.TryGetLink("eth0", out _));
        }
        var still = host.IpLink("eth0");
        Assert.Equal("veth", still.GetProperty("linkinfo").Str("info_kind"));
        Assert.Equal(1450, still.GetProperty("mtu").GetInt32());
        Assert.Equal(hostMac, still.Str("address"));
    }

    [Fact]
    public void ANameTakenInTheTargetIsEexistWithTheNamespaceInTheMessage()
    {
        KernelSupport.LinkKind("macvlan");
        using var host = NsScope.Create("cli-h");
        using var container = NsScope.Create("cli-c");
        using var target = NetNs.Open(container.Ns.Path);
        var parent = host.Nl.CreateLink(new VethLink { Name = "p0", PeerName = "p1" });
        container.Nl.CreateLink(new VethLink { Name = "eth0", PeerName = "peer0" });

        var e = Assert.Throws<NetlinkException>(() =>
            host.Nl.CreateLinkIn(new MacvlanLink { Name = "eth0", ParentIndex = parent.Index }, target, container.Nl));
        Assert.Equal("EEXIST", e.ErrnoName);
        Assert.Contains("macvlan eth0 netns " + container.Ns.Path, e.Message);
        Assert.Equal("veth", container.IpLink("eth0").GetProperty("linkinfo").Str("info_kind"));
    }

    [Fact]
    public void MacvlanBroadcastQueueLengthIsAppliedAndReadBack()
    {
        KernelSupport.LinkKind("macvlan");
        MacvlanBcQueueLen();
        using var host = NsScope.Create("cli-h");
        using var container = NsScope.Create("cli-c");
        using var target = NetNs.Open(container.Ns.Path);
        var parent = host.Nl.CreateLink(new VethLink { Name = "p0", PeerName = "p1" });

        var link = host.Nl.CreateLinkIn(new MacvlanLink { Name = "eth0", ParentIndex = parent.Index, BcQueueLen = 2345 }, target, container.Nl);

        var data = container.IpLink("eth0").GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal(2345, data.GetProperty("bcqueuelen").GetInt32());
        Assert.Equal(2345, data.GetProperty("usedbcqueuelen").GetInt32());
        var info = Assert.IsType<MacvlanLink>(link.Info);
        Assert.Equal(2345u, info.BcQueueLen);
        Assert.Equal(2345u, info.BcQueueLenUsed);
    }

    /// <summary>Skips on kernels before 5.11, which have no IFLA_MACVLAN_BC_QUEUE_LEN (the VM test covers those).</summary>
    private static void MacvlanBcQueueLen()
    {
        using var probe = TestNetns.Create("probe");
        probe.Ip("link", "add", "pp0", "type", "veth", "peer", "name", "pp1");
        var r = Sh.Run("ip", "-n", probe.Name, "link", "add", "pm0", "link", "pp0", "type", "macvlan", "bcqueuelen", "1234");
        bool shown = r.ExitCode == 0 && probe.IpJson("-d", "link", "show", "dev", "pm0")[0].GetProperty("linkinfo")
            .GetProperty("info_data").TryGetProperty("bcqueuelen", out _);
        Assert.SkipUnless(shown, $"needs IFLA_MACVLAN_BC_QUEUE_LEN (Linux 5.11+) and an iproute2 that shows bcqueuelen: {r.Stderr.Trim()}");
    }
}
