using System.Net;
using System.Net.NetworkInformation;
using Cni.Linux.Net;
using Cni.Linux.Netlink;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

public class NeighborTests
{
    [Fact]
    public void PermanentNeighbourAddReplaceDelete()
    {
        Requires.Root();
        using var s = NsScope.Create("neigh");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        s.Nl.SetLinkUp(br.Index);
        s.Nl.AddAddress(new InterfaceAddress(br.Index, Cidr.Parse("10.1.0.2/24")));

        var n = new Neighbor(br.Index, IPAddress.Parse("10.1.0.9")) { Mac = PhysicalAddress.Parse("02-00-00-00-00-09") };
        s.Nl.AddNeighbor(n);
        var ip = s.Ns.IpJson("neigh", "show", "dev", "br0").EnumerateArray().Single(e => e.Str("dst") == "10.1.0.9");
        Assert.Equal("02:00:00:00:00:09", ip.Str("lladdr"));
        Assert.Contains(ip.GetProperty("state").EnumerateArray(), st => st.GetString() == "PERMANENT");

        s.Nl.ReplaceNeighbor(n with { Mac = PhysicalAddress.Parse("02-00-00-00-00-0a") });
        var ours = s.Nl.ListNeighbors(br.Index).Single(e => e.Address.Equals(IPAddress.Parse("10.1.0.9")));
        Assert.Equal(PhysicalAddress.Parse("02-00-00-00-00-0a"), ours.Mac);
        Assert.Equal(NeighborState.Permanent, ours.State);

        s.Nl.DeleteNeighbor(n);
        Assert.DoesNotContain(s.Ns.IpJson("neigh", "show", "dev", "br0").EnumerateArray(), e => e.Str("dst") == "10.1.0.9");
    }

    [Fact]
    public void BridgePortFdbEntryMasterAndSelf()
    {
        Requires.Root();
        using var s = NsScope.Create("fdb");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        var port = s.Nl.CreateLink(new VethLink { Name = "pa", PeerName = "pb" });
        s.Nl.SetLinkMaster(port.Index, br.Index);

        var mac = PhysicalAddress.Parse("02-00-00-00-00-42");
        s.Nl.AddFdbEntry(new FdbEntry(port.Index, mac) { Flags = NeighborFlags.Master });
        var fdb = BridgeFdb(s, "pa");
        Assert.Contains(fdb, e => e.Str("mac") == "02:00:00:00:00:42" && e.Str("master") == "br0" && e.Str("state") == "permanent");

        var ours = s.Nl.ListFdbEntries(port.Index).Single(e => e.Mac.Equals(mac));
        Assert.Equal(br.Index, ours.MasterIndex);
        Assert.Null(ours.Vlan);   // no VLAN: this kernel has no bridge VLAN filtering, and the bridge does not use it

        s.Nl.DeleteFdbEntry(new FdbEntry(port.Index, mac) { Flags = NeighborFlags.Master });
        Assert.DoesNotContain(BridgeFdb(s, "pa"), e => e.Str("mac") == "02:00:00:00:00:42");
    }

    [Fact]
    public void VxlanFloodEntriesWithRemoteDestinations()
    {
        KernelSupport.LinkKind("vxlan");
        using var s = NsScope.Create("vxfdb");
        var vx = s.Nl.CreateLink(new VxlanLink { Name = "vx0", Vni = 10, Port = 4789, Learning = false });
        var zero = PhysicalAddress.Parse("00-00-00-00-00-00");
        s.Nl.AppendFdbEntry(new FdbEntry(vx.Index, zero) { Destination = IPAddress.Parse("192.0.2.1") });
        s.Nl.AppendFdbEntry(new FdbEntry(vx.Index, zero) { Destination = IPAddress.Parse("192.0.2.2") });

        var dsts = BridgeFdb(s, "vx0").Where(e => e.Str("mac") == "00:00:00:00:00:00").Select(e => e.Str("dst") ?? "").Order().ToArray();
        Assert.Equal(["192.0.2.1", "192.0.2.2"], dsts);
        var ours = s.Nl.ListFdbEntries(vx.Index).Where(e => e.Destination != null).Select(e => e.Destination!.ToString()).Order().ToArray();
        Assert.Equal(["192.0.2.1", "192.0.2.2"], ours);

        s.Nl.DeleteFdbEntry(new FdbEntry(vx.Index, zero) { Destination = IPAddress.Parse("192.0.2.1") });
        Assert.Equal(["192.0.2.2"], BridgeFdb(s, "vx0").Where(e => e.Str("mac") == "00:00:00:00:00:00").Select(e => e.Str("dst") ?? "").ToArray());
    }

    private static List<System.Text.Json.JsonElement> BridgeFdb(NsScope s, string dev)
    {
        var r = Sh.Run("bridge", "-n", s.Ns.Name, "-j", "fdb", "show", "dev", dev).EnsureSuccess("bridge fdb show");
        return System.Text.Json.JsonDocument.Parse(string.IsNullOrWhiteSpace(r.Stdout) ? "[]" : r.Stdout).RootElement.EnumerateArray().ToList();
    }
}
