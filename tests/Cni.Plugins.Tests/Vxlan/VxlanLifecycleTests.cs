using System.Text.Json;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Vxlan;

/// <summary>
/// Peer reconciliation, host isolation, CHECK, GC, STATUS, conflicts and concurrency, in-process through the
/// real skel on a thread switched into one simulated host (the same code the binary runs).
/// </summary>
public sealed class VxlanLifecycleTests
{
    [Fact]
    public void AddAgainWithAPeerRemovedDropsItsFloodingEntry()
    {
        using var lab = new VxlanLab(hosts: 1);
        var h1 = lab.Hosts[0];
        string[] three = [h1.Underlay, "192.168.77.12", "192.168.77.13"], two = [h1.Underlay, "192.168.77.12"];
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        var conf3 = lab.Conf(h1, peers: three);
        var conf2 = lab.Conf(h1, peers: two);
        var r1 = lab.Add(h1, "p1", c1, conf3);
        Assert.Equal(["192.168.77.12", "192.168.77.13"], h1.FloodPeers("vxlan4242"));

        // .13 leaves the list: the next ADD on this host reconciles, and CHECK tells the old list from the new.
        lab.Add(h1, "p2", c2, conf2);
        Assert.Equal(["192.168.77.12"], h1.FloodPeers("vxlan4242"));
        Assert.Equal(0, lab.Run(h1, "CHECK", "p1", c1, VxlanLab.WithPrev(conf2, r1)).ExitCode);
        var stale = lab.Run(h1, "CHECK", "p1", c1, VxlanLab.WithPrev(conf3, r1));
        Assert.Contains("192.168.77.13", stale.Stdout);
        Assert.NotEqual(0, stale.ExitCode);

        // The object form of the same list, and a peer coming back.
        var obj = lab.Conf(h1, extra: "", peers: three).Replace("\"peers\":[", "\"peers\":{\"source\":\"static\",\"hosts\":[").Replace("],\"ipam\"", "]},\"ipam\"");
        var c3 = lab.NewContainer();
        lab.Add(h1, "p3", c3, obj);
        Assert.Equal(["192.168.77.12", "192.168.77.13"], h1.FloodPeers("vxlan4242"));
    }

    [Fact]
    public void PluginInHostOneNeverTouchesHostTwo()
    {
        using var lab = new VxlanLab(hosts: 2);
        var (h1, h2) = (lab.Hosts[0], lab.Hosts[1]);
        string Snapshot(VxlanHost h) => h.Ns.IpJson("-d", "link", "show").GetRawText() + h.Ns.IpJson("addr", "show").GetRawText()
                                       + Sh.Run("bridge", "-n", h.Ns.Name, "fdb", "show").Stdout + h.Ns.IpJson("route", "show").GetRawText();
        var before = Snapshot(h2);
        var c1 = lab.NewContainer();
        var conf = lab.Conf(h1);
        var r1 = lab.Add(h1, "only1", c1, conf);
        Assert.Equal(["vxlan4242"], h1.Links("vxlan"));
        Assert.Equal(before, Snapshot(h2));
        Assert.Equal(0, lab.Run(h1, "DEL", "only1", c1, VxlanLab.WithPrev(conf, r1)).ExitCode);
        Assert.Equal(before, Snapshot(h2));
        Assert.False(Directory.Exists(h2.StateDir));
        Assert.Empty(h1.Links("vxlan"));
    }

    [Fact]
    public void TenConcurrentAddsCreateTheDevicesOnceAndTenDelsRemoveThem()
    {
        using var lab = new VxlanLab(hosts: 1);
        var h1 = lab.Hosts[0];
        var conf = lab.Conf(h1);
        var ctrs = Enumerable.Range(0, 10).Select(_ => lab.NewContainer()).ToList();
        var adds = new ExecResult[10];
        Parallel.For(0, 10, new ParallelOptions { MaxDegreeOfParallelism = 10 }, i => adds[i] = lab.Run(h1, "ADD", $"par{i}", ctrs[i], conf));
        Assert.All(adds, r => Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr));

        Assert.Equal(["vxlan4242"], h1.Links("vxlan"));
        Assert.Equal(["vxbr4242"], h1.Links("bridge"));
        Assert.Equal(11, h1.Ns.IpJson("link", "show", "master", "vxbr4242").GetArrayLength()); // 10 veths + vxlan
        Assert.Equal(10, h1.Leases("vxnet").Count);
        Assert.Equal(10, adds.Select(r => VxlanLab.Address(JsonDocument.Parse(r.Stdout).RootElement)).Distinct().Count());

        var dels = new ExecResult[10];
        Parallel.For(0, 10, new ParallelOptions { MaxDegreeOfParallelism = 10 }, i => dels[i] = lab.Run(h1, "DEL", $"par{i}", ctrs[i], conf));
        Assert.All(dels, r => Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr));
        Assert.Empty(h1.Links("vxlan"));
        Assert.Empty(h1.Links("bridge"));
        Assert.Empty(h1.Leases("vxnet"));
    }

    [Fact]
    public void GcRemovesAttachmentsAndLeasesNotInValidAttachments()
    {
        using var lab = new VxlanLab(hosts: 1, needOurIpam: true);
        var h1 = lab.Hosts[0];
        var conf = lab.Conf(h1, version: "1.1.0");
        var keep = lab.NewContainer();
        var gone = lab.NewContainer();
        lab.Add(h1, "keep", keep, conf);
        var rg = lab.Add(h1, "gone", gone, conf);
        var goneVeth = rg.GetProperty("interfaces")[1].GetProperty("name").GetString()!;

        string Gc(string valid) => conf[..^1] + ",\"cni.dev/valid-attachments\":[" + valid + "]}";
        var r = lab.Run(h1, "GC", "", null, Gc("{\"containerID\":\"keep\",\"ifname\":\"eth0\"}"));
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.DoesNotContain(goneVeth, h1.Links("veth"));
        Assert.DoesNotContain(gone.IpJson("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "eth0");
        Assert.Single(h1.Leases("vxnet"));
        Assert.True(keep.Ping("10.77.1.1"), "the valid attachment stopped working");

        // Nothing valid any more: the last attachment goes, and the devices with it.
        Assert.Equal(0, lab.Run(h1, "GC", "", null, Gc("")).ExitCode);
        Assert.Empty(h1.Leases("vxnet"));
        Assert.Empty(h1.Links("vxlan"));
        Assert.Empty(h1.Links("bridge"));
    }

    [Fact]
    public void StatusIsNotReadyWithoutTheUnderlayOrItsAddress()
    {
        using var lab = new VxlanLab(hosts: 1, needOurIpam: true);
        var h1 = lab.Hosts[0];
        ExecResult Status(string extra) => lab.Run(h1, "STATUS", "", null, lab.Conf(h1, version: "1.1.0", extra: extra));
        Assert.Equal(0, Status("").ExitCode);
        var noDev = Status("\"underlay\":\"nosuch0\"");
        Assert.Equal(50, VxlanLab.Code(noDev));
        Assert.Contains("nosuch0", noDev.Stdout);
        Assert.Equal(50, VxlanLab.Code(Status("\"localIP\":\"192.168.77.99\"")));

        // The default (the default route's device) loses its address: not ready either.
        h1.Ns.Ip("addr", "del", h1.Underlay + "/24", "dev", "up0");
        Assert.Equal(50, VxlanLab.Code(Status("")));
    }

    [Fact]
    public void AnExistingDeviceWithOtherSettingsIsAConfigErrorNotAReuse()
    {
        using var lab = new VxlanLab(hosts: 1);
        var h1 = lab.Hosts[0];
        var c1 = lab.NewContainer();
        // Our device name, another VNI.
        h1.Ns.Ip("link", "add", "vxlan4500", "type", "vxlan", "id", "999", "dstport", "4789", "dev", "up0");
        var r = lab.Run(h1, "ADD", "x1", c1, lab.Conf(h1, vni: 4500));
        Assert.Equal(7, VxlanLab.Code(r));
        Assert.Contains("VNI 999", r.Stdout);
        Assert.Empty(h1.Links("bridge"));

        // Another device already holds our VNI on our port.
        h1.Ns.Ip("link", "add", "other0", "type", "vxlan", "id", "4501", "dstport", "4789", "dev", "up0");
        r = lab.Run(h1, "ADD", "x2", c1, lab.Conf(h1, vni: 4501));
        Assert.Equal(7, VxlanLab.Code(r));
        Assert.Contains("other0", r.Stdout);
        Assert.Equal(["other0", "vxlan4500"], h1.Links("vxlan").Order().ToList());
        Assert.DoesNotContain(h1.Links("veth"), n => n != "up0");
        Assert.DoesNotContain(c1.IpJson("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "eth0");
    }

    [Fact]
    public void DelOfANeverAddedAttachmentSucceedsWithOrWithoutANetns()
    {
        using var lab = new VxlanLab(hosts: 1);
        var h1 = lab.Hosts[0];
        var c1 = lab.NewContainer();
        var conf = lab.Conf(h1);
        var withNs = lab.Run(h1, "DEL", "never", c1, conf);
        Assert.True(withNs.ExitCode == 0, withNs.Stdout + withNs.Stderr);
        var without = lab.Run(h1, "DEL", "never", null, conf);
        Assert.True(without.ExitCode == 0, without.Stdout + without.Stderr);
        Assert.Empty(h1.Links("vxlan"));
    }

    [Fact]
    public void AFailedFirstAddLeavesNoDevicesBehind()
    {
        using var lab = new VxlanLab(hosts: 1);
        var h1 = lab.Hosts[0];
        var c1 = lab.NewContainer();
        var conf = lab.Conf(h1).Replace("\"type\":\"host-local\"", "\"type\":\"nosuch-ipam\"", StringComparison.Ordinal);
        var r = lab.Run(h1, "ADD", "fail1", c1, conf);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Empty(h1.Links("vxlan"));
        Assert.Empty(h1.Links("bridge"));
        Assert.DoesNotContain(h1.Links("veth"), n => n != "up0");
    }

    [Theory]
    [InlineData("\"vni\":33554432", 7)]
    [InlineData("\"vni\":0", 7)]
    [InlineData("\"vni\":\"x\"", 6)]
    [InlineData("\"vni\":10,\"port\":70000", 7)]
    [InlineData("\"vni\":10,\"group\":\"10.0.0.1\"", 7)]
    [InlineData("\"vni\":10,\"group\":\"239.0.0.1\",\"peers\":[\"192.0.2.1\"]", 7)]
    [InlineData("\"vni\":10,\"peers\":[\"not-an-ip\"]", 7)]
    [InlineData("\"vni\":10,\"peers\":{\"source\":\"etcd\"}", 7)]
    [InlineData("\"vni\":10,\"vlan\":5", 7)]
    [InlineData("\"vni\":10,\"mtu\":1451", 7)]
    public void InvalidConfigIsRefusedBeforeAnythingIsCreated(string members, int code)
    {
        using var lab = new VxlanLab(hosts: 1);
        var h1 = lab.Hosts[0];
        var c1 = lab.NewContainer();
        var conf = $$$"""{"cniVersion":"{{{lab.Version}}}","name":"bad","type":"vxlan","stateDir":"{{{h1.StateDir}}}",{{{members}}},"ipam":{"type":"host-local","dataDir":"{{{h1.DataDir}}}","ranges":[[{"subnet":"10.77.0.0/16"}]]}}""";
        Assert.Equal(code, VxlanLab.Code(lab.Run(h1, "ADD", "bad", c1, conf)));
        Assert.Empty(h1.Links("vxlan"));
        Assert.Empty(h1.Links("bridge"));
        Assert.Empty(h1.Leases("bad"));
    }
}
