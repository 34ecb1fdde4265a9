using Cni.Linux.Netlink;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

public class BridgePortTests
{
    [Fact]
    public void HairpinIsolatedAndLearningAreSetOnThePort()
    {
        Requires.Root();
        using var s = NsScope.Create("brport");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        var port = s.Nl.CreateLink(new VethLink { Name = "pa", PeerName = "pb" });
        s.Nl.SetLinkMaster(port.Index, br.Index);

        s.Nl.SetBridgePort(port.Index, new BridgePortSettings { Hairpin = true, Isolated = true, Learning = false });
        var data = s.IpLink("pa").GetProperty("linkinfo").GetProperty("info_slave_data");
        Assert.True(data.GetProperty("hairpin").GetBoolean());
        Assert.True(data.GetProperty("isolated").GetBoolean());
        Assert.False(data.GetProperty("learning").GetBoolean());

        s.Nl.SetBridgePort(port.Index, new BridgePortSettings { Hairpin = false });
        data = s.IpLink("pa").GetProperty("linkinfo").GetProperty("info_slave_data");
        Assert.False(data.GetProperty("hairpin").GetBoolean());
        Assert.True(data.GetProperty("isolated").GetBoolean());   // untouched
    }

    [Fact]
    public void ListLinksOfReturnsExactlyTheBridgesPorts()
    {
        Requires.Root();
        using var s = NsScope.Create("brlist");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        var other = s.Nl.CreateLink(new BridgeLink { Name = "br1" });
        foreach (var (name, master) in new[] { ("pa", br), ("qa", br), ("ra", other) })
        {
            var port = s.Nl.CreateLink(new VethLink { Name = name, PeerName = name.Replace('a', 'b') });
            s.Nl.SetLinkMaster(port.Index, master.Index);
        }

        Assert.Equal(["pa", "qa"], s.Nl.ListLinksOf(br.Index).Select(l => l.Name).Order());
        Assert.Equal(["ra"], s.Nl.ListLinksOf(other.Index).Select(l => l.Name));
        // Read back with ip: the same set.
        var viaIp = Sh.IpJson(s.Ns.Name, "link", "show", "master", "br0").EnumerateArray().Select(l => l.GetProperty("ifname").GetString()).Order();
        Assert.Equal(["pa", "qa"], viaIp);
    }

    [Fact]
    public void PortSettingsOnALinkWithoutBridgeFail()
    {
        Requires.Root();
        using var s = NsScope.Create("brnone");
        var veth = s.Nl.CreateLink(new VethLink { Name = "pa", PeerName = "pb" });
        var e = Assert.Throws<NetlinkException>(() => s.Nl.SetBridgePort(veth.Index, new BridgePortSettings { Hairpin = true }));
        Assert.StartsWith("RTM_SETLINK bridge port index", e.Message);
    }

    [Fact]
    public void VlanEntriesAddListDelete()
    {
        KernelSupport.BridgeVlanFiltering();
        using var s = NsScope.Create("brvl");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0", VlanFiltering = true });
        var port = s.Nl.CreateLink(new VethLink { Name = "pa", PeerName = "pb" });
        s.Nl.SetLinkMaster(port.Index, br.Index);

        s.Nl.AddBridgeVlan(new BridgeVlan(port.Index, 10) { Pvid = true, Untagged = true });
        s.Nl.AddBridgeVlan(new BridgeVlan(port.Index, 20) { RangeEnd = 22 });
        var vids = s.Nl.ListBridgeVlans(port.Index).Select(v => (int)v.Vid).ToList();
        Assert.Contains(10, vids);
        Assert.Contains(21, vids);
        Assert.True(s.Nl.ListBridgeVlans(port.Index).Single(v => v.Vid == 10).Pvid);
        var ip = Sh.Run("bridge", "-n", s.Ns.Name, "-j", "vlan", "show", "dev", "pa").EnsureSuccess("bridge vlan show").Stdout;
        Assert.Contains("\"vlan\":10", ip.Replace(" ", ""));

        s.Nl.DeleteBridgeVlan(new BridgeVlan(port.Index, 10));
        Assert.DoesNotContain(s.Nl.ListBridgeVlans(port.Index), v => v.Vid == 10);
    }
}
