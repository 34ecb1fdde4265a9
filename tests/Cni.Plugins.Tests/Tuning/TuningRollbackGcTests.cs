using System.Text.Json;
using Xunit;

namespace Cni.Plugins.Tests.Tuning;

/// <summary>ADD undoes its own changes when a later step fails; GC drops only this network's stale state.</summary>
public sealed class TuningRollbackGcTests
{
    [Fact]
    public void FailedLinkChangeRollsBackEverythingBeforeIt()
    {
        using var lab = new TuningLab();
        string mac0 = lab.Mac;
        // veth accepts at most 65535: the sysctls, MAC and promisc succeed, then the MTU is refused.
        var r = lab.Run("ADD", lab.Conf("\"mac\":\"c2:11:22:33:44:55\",\"promisc\":true,\"mtu\":70000," +
                                        "\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_filter\":\"1\",\"net.core.somaxconn\":\"77\"}"));
        var e = TuningLab.Err(r, 7);
        Assert.Contains("mtu 70000", e.GetProperty("msg").GetString());
        Assert.Equal(mac0, lab.Mac);
        Assert.False(lab.HasFlag("PROMISC"));
        Assert.Equal(1500, lab.Mtu);
        Assert.Equal("0", lab.Sysctl("net/ipv4/conf/eth0/arp_filter"));
        Assert.NotEqual("77", lab.Sysctl("net/core/somaxconn"));
        Assert.False(File.Exists(lab.StateFile()));
    }

    [Fact]
    public void FailedSysctlWriteRollsBackEarlierWrites()
    {
        using var lab = new TuningLab();
        // arp_filter is written first, then the kernel refuses a non-number for arp_ignore.
        var r = lab.Run("ADD", lab.Conf("\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_filter\":\"1\",\"net.ipv4.conf.IFNAME.arp_ignore\":\"lots\"}"));
        TuningLab.Err(r, 7);
        Assert.Equal("0", lab.Sysctl("net/ipv4/conf/eth0/arp_filter"));
        Assert.False(File.Exists(lab.StateFile()));
    }

    [Fact]
    public void FailedRepeatedAddKeepsTheFirstAddsState()
    {
        using var lab = new TuningLab();
        lab.Ok("ADD", lab.Conf("\"mtu\":1400"));
        TuningLab.Err(lab.Run("ADD", lab.Conf("\"mtu\":70000")), 7);
        Assert.Equal(1400, lab.Mtu);
        lab.Ok("DEL", lab.Conf());
        Assert.Equal(1500, lab.Mtu);
    }

    [Fact]
    public void GcRemovesOnlyThisNetworksStaleAttachments()
    {
        using var lab = new TuningLab();
        lab.Ok("ADD", lab.Conf("\"txQLen\":900"), "keep");
        lab.Ok("ADD", lab.Conf("\"txQLen\":900"), "stale");
        lab.Ok("ADD", lab.Conf("\"txQLen\":900", name: "othernet"), "other");
        Directory.CreateDirectory(lab.DataDir);
        File.WriteAllText(Path.Combine(lab.DataDir, "refwritten_eth0.json"), "{\"mtu\":1500}"); // no network recorded
        const string valid = "\"cni.dev/valid-attachments\":[{\"containerID\":\"keep\",\"ifname\":\"eth0\"}]";

        var r = lab.Run("GC", lab.Conf(valid, prev: false));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.True(File.Exists(lab.StateFile("keep")));
        Assert.False(File.Exists(lab.StateFile("stale")));
        Assert.True(File.Exists(lab.StateFile("other")));
        Assert.True(File.Exists(lab.StateFile("refwritten")));
        Assert.Equal(0, lab.Run("GC", lab.Conf(valid, prev: false)).ExitCode);
    }

    [Fact]
    public void GcWithAnEmptyListUnderTheLegacyKeyRemovesAllOfThisNetwork()
    {
        using var lab = new TuningLab();
        lab.Ok("ADD", lab.Conf("\"txQLen\":900"), "a");
        lab.Ok("ADD", lab.Conf("\"txQLen\":900"), "b");
        Assert.Equal(0, lab.Run("GC", lab.Conf("\"cni.dev/attachments\":[]", prev: false)).ExitCode);
        Assert.Empty(Directory.EnumerateFiles(lab.DataDir));
        TuningLab.Err(lab.Run("GC", lab.Conf("\"cni.dev/valid-attachments\":[]", "1.0.0", prev: false)), 1);
    }

    [Fact]
    public void StateFileRecordsOwnerAndOldSysctls()
    {
        using var lab = new TuningLab();
        lab.Ok("ADD", lab.Conf("\"sysctl\":{\"net.ipv4.conf.IFNAME.arp_filter\":\"1\"}"), "cid.1");
        var state = JsonDocument.Parse(File.ReadAllText(lab.StateFile("cid.1"))).RootElement;
        Assert.Equal("cid.1", state.GetProperty("containerID").GetString());
        Assert.Equal("eth0", state.GetProperty("ifname").GetString());
        Assert.Equal("net/ipv4/conf/eth0/arp_filter", state.GetProperty("sysctl")[0].GetProperty("path").GetString());
        Assert.Equal("0", state.GetProperty("sysctl")[0].GetProperty("value").GetString());
        Assert.False(state.TryGetProperty("mac", out _)); // only what ADD changed
    }
}
