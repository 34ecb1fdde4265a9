using Cni.Plugins.Macvlan;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Macvlan;

/// <summary>Real traffic through macvlans on a veth master: what each mode lets through.</summary>
public sealed class MacvlanTrafficTests
{
    [Fact]
    public void BridgeModeContainersReachEachOtherAndTheOutside()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        string conf = lab.Conf("macvlan", "\"master\":\"uplink\",\"mode\":\"bridge\"", lab.HostLocal());
        var r1 = lab.Add(new MacvlanPlugin(), "ctr1", c1, conf);
        var r2 = lab.Add(new MacvlanPlugin(), "ctr2", c2, conf);

        Assert.True(ParentLab.Ping(c1, ParentLab.Address(r2)), "c1 -> c2 over the macvlan bridge");
        Assert.True(ParentLab.Ping(c2, ParentLab.Address(r1)), "c2 -> c1 over the macvlan bridge");
        Assert.True(ParentLab.Ping(c1, ParentLab.FarAddress), "c1 -> the machine behind the master");

        Assert.Equal(0, lab.Run(new MacvlanPlugin(), "DEL", "ctr1", c1, ParentLab.WithPrev(conf, r1)).ExitCode);
        Assert.Equal(0, lab.Run(new MacvlanPlugin(), "DEL", "ctr2", c2, ParentLab.WithPrev(conf, r2)).ExitCode);
        Assert.Empty(ParentLab.LinkNames(c1));
        Assert.Empty(ParentLab.LinkNames(c2));
        Assert.Empty(lab.Leases());
        Assert.Equal([ParentLab.Master], ParentLab.LinkNames(lab.Host));
    }

    [Fact]
    public void PrivateModeContainersCannotReachEachOther()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        string conf = lab.Conf("macvlan", "\"master\":\"uplink\",\"mode\":\"private\"", lab.HostLocal());
        lab.Add(new MacvlanPlugin(), "ctr1", c1, conf);
        var r2 = lab.Add(new MacvlanPlugin(), "ctr2", c2, conf);

        Assert.Equal("private", ParentLab.Link(c1, "eth0")!.Value.GetProperty("linkinfo").GetProperty("info_data").GetProperty("mode").GetString());
        // The link itself works (the outside answers), only sibling traffic is cut.
        Assert.True(ParentLab.Ping(c1, ParentLab.FarAddress), "c1 -> outside");
        Assert.False(ParentLab.Ping(c1, ParentLab.Address(r2), attempts: 1), "private mode must block c1 -> c2");
    }

    [Fact]
    public void PassthruTakesTheWholeMasterAndAllowsOnlyOne()
    {
        using var lab = new ParentLab();
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        string conf = lab.Conf("macvlan", "\"master\":\"uplink\",\"mode\":\"passthru\"", lab.HostLocal());
        var r1 = lab.Add(new MacvlanPlugin(), "ctr1", c1, conf);

        var link = ParentLab.Link(c1, "eth0")!.Value;
        Assert.Equal("passthru", link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("mode").GetString());
        Assert.Equal(link.GetProperty("address").GetString(), r1.GetProperty("interfaces")[0].GetProperty("mac").GetString());
        Assert.True(ParentLab.Ping(c1, ParentLab.FarAddress), "passthru container -> outside");

        // A passthru master is taken: a second one fails, and leaves neither a link nor a lease behind.
        var r = lab.Run(new MacvlanPlugin(), "ADD", "ctr2", c2, conf);
        Assert.Equal(999, ParentLab.Code(r));
        Assert.Empty(ParentLab.LinkNames(c2));
        Assert.Single(lab.Leases());
        Assert.Equal([ParentLab.Master], ParentLab.LinkNames(lab.Host));
    }

    [Fact]
    public void DefaultMasterIsTheDefaultRouteInterface()
    {
        using var lab = new ParentLab();
        lab.Host.Ip("addr", "add", "10.77.0.1/24", "dev", ParentLab.Master);
        lab.Host.Ip("route", "add", "default", "via", ParentLab.FarAddress, "dev", ParentLab.Master);
        var c1 = lab.NewContainer();
        var r = lab.Add(new MacvlanPlugin(), "ctr1", c1, lab.Conf("macvlan", "", lab.HostLocal()));
        Assert.True(ParentLab.Ping(c1, ParentLab.FarAddress), "macvlan on the default-route interface reaches the outside");
        Assert.Equal(0, lab.Run(new MacvlanPlugin(), "DEL", "ctr1", c1, ParentLab.WithPrev(lab.Conf("macvlan", "", lab.HostLocal()), r)).ExitCode);
    }
}
