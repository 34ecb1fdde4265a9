using Cni.Plugins.Ipvlan;
using Cni.Plugins.Tests.Macvlan;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Ipvlan;

/// <summary>
/// ipvlan on this machine's kernel, which has no ipvlan module: config validation, DEL/STATUS without a
/// default route, rollback when the kernel refuses the link. Traffic, modes and flags are proven in the VM
/// (tests/vm/parent-links-guest.sh, run by ./build.sh test).
/// </summary>
public sealed class IpvlanHostTests
{
    [Theory]
    [InlineData("\"master\":\"uplink\",\"mode\":\"l4\"", 7)]
    [InlineData("\"master\":\"uplink\",\"flags\":\"loud\"", 7)]
    [InlineData("\"master\":\"uplink\",\"mtu\":-5", 7)]
    [InlineData("\"master\":\"uplink\",\"linkInContainer\":\"yes\"", 6)]
    [InlineData("\"master\":\"no-such-master\"", 7)]
    [InlineData("\"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"a\"},{\"name\":\"b\"}]}", 7)]
    public void BadConfigIsRefusedBeforeAnythingIsCreated(string extra, int code)
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var r = lab.Run(new IpvlanPlugin(), "ADD", "ctr1", c1, lab.Conf("ipvlan", extra, lab.HostLocal()));
        Assert.Equal(code, ParentLab.Code(r));
        Assert.Empty(ParentLab.LinkNames(c1));
        Assert.Empty(lab.Leases());
    }

    [Fact]
    public void DelWorksWithoutADefaultRouteOrMaster()
    {
        using var lab = new ParentLab();
        Assert.Empty(lab.Host.IpJson("route", "show", "default").EnumerateArray());
        var c1 = lab.NewContainer();
        var r = lab.Run(new IpvlanPlugin(), "DEL", "ctr1", c1, lab.Conf("ipvlan", "", lab.HostLocal()));
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
    }

    [Fact]
    public void StatusIsNotReadyWithoutAMasterOrDefaultRoute()
    {
        using var lab = new ParentLab();
        Requires.Binary(Path.Combine(Repo.OutBin, "host-local"), "STATUS needs cniVersion 1.1.0 (our host-local)");
        Assert.Equal(50, ParentLab.Code(lab.Run(new IpvlanPlugin(), "STATUS", "", null, lab.Conf("ipvlan", "", lab.HostLocal()))));
        Assert.Equal(50, ParentLab.Code(lab.Run(new IpvlanPlugin(), "STATUS", "", null, lab.Conf("ipvlan", "\"master\":\"gone0\"", lab.HostLocal()))));
        Assert.Equal(0, lab.Run(new IpvlanPlugin(), "STATUS", "", null, lab.Conf("ipvlan", "\"master\":\"uplink\"", lab.HostLocal())).ExitCode);
    }

    [Fact]
    public void KernelWithoutIpvlanFailsCleanly()
    {
        using var lab = new ParentLab();
        var probe = Sh.Run("ip", "-n", lab.Host.Name, "link", "add", "probe0", "link", ParentLab.Master, "type", "ipvlan");
        Assert.SkipWhen(probe.ExitCode == 0, "this kernel has ipvlan; the refusal path cannot be shown here");
        var c1 = lab.NewContainer();
        var r = lab.Run(new IpvlanPlugin(), "ADD", "ctr1", c1, lab.Conf("ipvlan", "\"master\":\"uplink\"", lab.HostLocal()));
        Assert.Equal(999, ParentLab.Code(r));
        Assert.Contains("failed to create ipvlan eth0 on uplink in " + c1.Path, r.Stdout);
        Assert.Empty(ParentLab.LinkNames(c1));
        Assert.Equal([ParentLab.Master], ParentLab.LinkNames(lab.Host));
        Assert.Empty(lab.Leases());
    }

    [Fact]
    public void VlanMasterIsNotCreatedWhenItsParentIsMissing()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var r = lab.Run(new IpvlanPlugin(), "ADD", "ctr1", c1, lab.Conf("ipvlan", "\"master\":\"nothere.10\"", lab.HostLocal()));
        Assert.Equal(7, ParentLab.Code(r));
        Assert.Equal([ParentLab.Master], ParentLab.LinkNames(lab.Host));
    }
}
