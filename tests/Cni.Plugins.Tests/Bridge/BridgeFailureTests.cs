using System.Net.NetworkInformation;
using Cni.Linux.Firewall;
using Cni.Linux.Net;
using Cni.Plugins.Bridge;
using Cni.Sdk;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Bridge;

/// <summary>Bad input and failures mid-ADD: the right error, and nothing left behind (no veth, lease or rule).</summary>
public sealed class BridgeFailureTests
{
    private static int Code(ExecResult r)
    {
        Assert.NotEqual(0, r.ExitCode);
        return System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement.GetProperty("code").GetInt32();
    }

    /// <summary>No veth on the host side, no eth0 in the container, no lease.</summary>
    private static void AssertNothingLeft(BridgeLab lab, TestNetns container)
    {
        Assert.Empty(lab.HostLinks("veth"));
        Assert.DoesNotContain(container.IpJson("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "eth0");
        Assert.Empty(lab.Leases());
    }

    [Theory]
    [InlineData("\"vlan\":5000", 7)]
    [InlineData("\"vlan\":-1", 7)]
    [InlineData("\"vlanTrunk\":[{\"id\":0}]", 7)]
    [InlineData("\"vlanTrunk\":[{\"minID\":10}]", 7)]
    [InlineData("\"vlanTrunk\":[{\"minID\":20,\"maxID\":10}]", 7)]
    [InlineData("\"hairpinMode\":true,\"promiscMode\":true", 7)]
    [InlineData("\"disableContainerInterface\":true", 7)]
    [InlineData("\"ipMasqBackend\":\"pf\"", 7)]
    [InlineData("\"bridge\":\"a-very-long-bridge-name\"", 7)]
    [InlineData("\"mtu\":\"1500\"", 6)]
    [InlineData("\"runtimeConfig\":{\"mac\":\"not-a-mac\"}", 7)]
    public void InvalidConfigIsRefusedBeforeAnythingIsCreated(string extra, int code)
    {
        using var lab = new BridgeLab();
        var c1 = lab.NewContainer();
        var r = lab.Run("ADD", "ctr1", c1, lab.Conf(extra, lab.HostLocal("10.40.0.0/24")));
        Assert.Equal(code, Code(r));
        AssertNothingLeft(lab, c1);
        Assert.Empty(lab.HostLinks("bridge"));
    }

    [Fact]
    public void HairpinAndIsolationAreSetOnTheHostPort()
    {
        using var lab = new BridgeLab();
        var c1 = lab.NewContainer();
        var r = lab.Add("ctr1", c1, lab.Conf("\"hairpinMode\":true,\"portIsolation\":true", lab.HostLocal("10.41.0.0/24")));
        string port = r.GetProperty("interfaces")[1].GetProperty("name").GetString()!;
        var link = System.Text.Json.JsonDocument.Parse(lab.Host.Exec("bridge", "-j", "-d", "link", "show", "dev", port).Stdout).RootElement[0];
        Assert.True(link.GetProperty("hairpin").GetBoolean());
        Assert.True(link.GetProperty("isolated").GetBoolean());
    }

    [Fact]
    public void VlanAccessAndTrunkPortsOrAFullRollbackWithoutVlanFiltering()
    {
        using var lab = new BridgeLab();
        var c1 = lab.NewContainer();
        var r = lab.Run("ADD", "ctr1", c1, lab.Conf("\"vlan\":100,\"vlanTrunk\":[{\"minID\":200,\"maxID\":202}]", lab.HostLocal("10.46.0.0/24")));
        if (r.ExitCode != 0)
        {
            // This machine's kernel has no bridge VLAN filtering (EOPNOTSUPP): ADD must fail cleanly.
            Assert.Contains("not supported", r.Stdout, StringComparison.OrdinalIgnoreCase);
            AssertNothingLeft(lab, c1);
            return;
        }
        string port = System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement.GetProperty("interfaces")[1].GetProperty("name").GetString()!;
        var vlans = lab.Host.Exec("bridge", "-j", "vlan", "show", "dev", port).Stdout;
        Assert.Contains("\"vlan\":100", vlans);
        Assert.Contains("PVID", vlans);
        Assert.Contains("\"vlan\":200", vlans);
    }

    [Fact]
    public void L2OnlyBelow030IsRefusedUpFront()
    {
        using var lab = new BridgeLab();
        var c1 = lab.NewContainer();
        Assert.Equal(1, Code(lab.Run("ADD", "ctr1", c1, lab.Conf(version: "0.2.0"))));
        AssertNothingLeft(lab, c1);
    }

    [Fact]
    public void AnIfNameThatExistsInTheNetnsFailsAndIsLeftAlone()
    {
        using var lab = new BridgeLab();
        var c1 = lab.NewContainer();
        c1.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "other0");
        var before = c1.IpJson("link", "show", "eth0")[0].GetProperty("address").GetString();
        var r = lab.Run("ADD", "ctr1", c1, lab.Conf("", lab.HostLocal("10.42.0.0/24")));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("already exists", r.Stdout);
        Assert.Equal(before, c1.IpJson("link", "show", "eth0")[0].GetProperty("address").GetString());
        Assert.Empty(lab.HostLinks("veth"));
        Assert.Empty(lab.Leases());
    }

    [Fact]
    public void MissingIpamBinaryLeavesNoVeth()
    {
        using var lab = new BridgeLab();
        var c1 = lab.NewContainer();
        var r = lab.Run("ADD", "ctr1", c1, lab.Conf("", "{\"type\":\"no-such-ipam\"}"));
        Assert.Equal(7, Code(r));
        AssertNothingLeft(lab, c1);
    }

    [Fact]
    public void IpamFailureAfterTheVethExistsRollsBackTheVeth()
    {
        using var lab = new BridgeLab();
        // A /30 with the gateway reserved has exactly one address: the second ADD's IPAM fails.
        var conf = lab.Conf("\"isGateway\":true", lab.HostLocal("10.43.0.0/30"));
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        lab.Add("ctr1", c1, conf);
        var r = lab.Run("ADD", "ctr2", c2, conf);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Single(lab.HostLinks("veth"));
        Assert.DoesNotContain(c2.IpJson("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "eth0");
        Assert.Single(lab.Leases());
    }

    [Fact]
    public void FailureAfterIpamReleasesTheLeaseAndTheVeth()
    {
        using var lab = new BridgeLab();
        // The bridge already carries another IPv4 address: the gateway step fails after IPAM allocated.
        lab.Host.Ip("link", "add", "cnibr0", "type", "bridge");
        lab.Host.Ip("addr", "add", "192.168.77.1/24", "dev", "cnibr0");
        var c1 = lab.NewContainer();
        var r = lab.Run("ADD", "ctr1", c1, lab.Conf("\"isGateway\":true", lab.HostLocal("10.44.0.0/24")));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("already has an IP address different", r.Stdout);
        AssertNothingLeft(lab, c1);
        Assert.Equal(["192.168.77.1/24"], BridgeLab.Addresses(lab.Host, "cnibr0").Where(a => !a.StartsWith("fe80", StringComparison.Ordinal)));

        // forceAddress replaces it.
        var ok = lab.Run("ADD", "ctr1", c1, lab.Conf("\"isGateway\":true,\"forceAddress\":true", lab.HostLocal("10.44.0.0/24")));
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("10.44.0.1/24", BridgeLab.Addresses(lab.Host, "cnibr0"));
        Assert.DoesNotContain("192.168.77.1/24", BridgeLab.Addresses(lab.Host, "cnibr0"));
    }

    [Fact]
    public void FirewallFailureRollsBackSpoofRulesLeaseAndVeth()
    {
        using var lab = new BridgeLab();
        var fw = new RecordingFirewall { FailMasquerade = true };
        var plugin = new BridgePlugin(new ExecIpam(), _ => fw, new KernelBridgePorts());
        var c1 = lab.NewContainer();
        var r = lab.Run("ADD", "ctr1", c1, lab.Conf("\"ipMasq\":true,\"macspoofchk\":true", lab.HostLocal("10.45.0.0/24")), plugin: plugin);
        Assert.NotEqual(0, r.ExitCode);
        AssertNothingLeft(lab, c1);
        Assert.Equal(["AddMacSpoofCheck", "AddMasquerade", "RemoveMacSpoofCheck"], fw.Calls);
    }
}

/// <summary>An <see cref="IFirewall"/> that records calls (and can fail), for step-order and rollback tests.</summary>
public sealed class RecordingFirewall : IFirewall
{
    public List<string> Calls { get; } = [];
    public List<FirewallOwner> Owners { get; } = [];
    public bool FailMasquerade { get; init; }
    public string Backend => "fake";
    public int Disposals { get; private set; }

    public void Dispose() => Disposals++;

    public void AddMasquerade(FirewallOwner owner, IReadOnlyList<Cidr> containerAddresses)
    {
        Record("AddMasquerade", owner);
        if (FailMasquerade) throw new FirewallException("fake: masquerade refused");
    }

    public void RemoveMasquerade(FirewallOwner owner) => Record("RemoveMasquerade", owner);
    public void AddMacSpoofCheck(FirewallOwner owner, string hostIfName, PhysicalAddress mac) => Record("AddMacSpoofCheck", owner);
    public void RemoveMacSpoofCheck(FirewallOwner owner) => Record("RemoveMacSpoofCheck", owner);
    public void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
        => Record("Collect", new FirewallOwner(network, string.Join(",", valid.Select(v => v.ContainerId)), ""));

    private void Record(string call, FirewallOwner owner)
    {
        lock (Calls)
        {
            Calls.Add(call);
            Owners.Add(owner);
        }
    }
}
