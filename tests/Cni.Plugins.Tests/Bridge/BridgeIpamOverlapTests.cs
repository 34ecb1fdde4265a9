using System.Text.Json;
using Cni.Plugins.Bridge;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Bridge;

/// <summary>
/// The IPAM delegate runs while bridge ADD makes the veth. A slow delegate (a script that sleeps, then runs
/// host-local or fails) makes sure a failing ADD always waits for it: a lease it got is released, its error
/// is the one reported, and nothing turns up after ADD has returned.
/// </summary>
public sealed class BridgeIpamOverlapTests : IDisposable
{
    private readonly DirectoryInfo _bin = Directory.CreateTempSubdirectory("cni-slow-ipam-");

    public void Dispose() => _bin.Delete(recursive: true);

    private void Script(string name, string body)
    {
        var path = Path.Combine(_bin.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>ADD/DEL through ExecIpam with our script directory in front of the lab's CNI_PATH.</summary>
    private ExecResult Run(BridgeLab lab, string command, TestNetns container, string conf)
    {
        var env = InProcess.Env(command, "ctr1", container.Path, "eth0", null, _bin.FullName + ":" + lab.IpamPath);
        return InProcess.RunIn(lab.Host, new BridgePlugin(), env, conf);
    }

    /// <summary>host-local's config, under a type that names our slow wrapper.</summary>
    private static string SlowIpam(BridgeLab lab, string type, string subnet)
        => lab.HostLocal(subnet).Replace("\"type\":\"host-local\"", $"\"type\":\"{type}\"", StringComparison.Ordinal);

    [Fact]
    public void AVethFailureAfterIpamStartedWaitsForTheLeaseAndReleasesIt()
    {
        using var lab = new BridgeLab();
        Script("slow-ipam", $"sleep 0.3\nexec {Path.Combine(lab.IpamPath, "host-local")}");
        var c1 = lab.NewContainer();
        c1.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "other0"); // the veth create fails (EEXIST)

        var r = Run(lab, "ADD", c1, lab.Conf("", SlowIpam(lab, "slow-ipam", "10.47.0.0/24")));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("already exists", r.Stdout);
        Assert.Empty(lab.HostLinks("veth"));
        Assert.Empty(lab.Leases());
        Thread.Sleep(500); // a delegate left running would write its lease now
        Assert.Empty(lab.Leases());
    }

    [Fact]
    public void ASlowIpamFailureAfterTheVethExistsIsReportedWithItsCodeAndRemovesTheVeth()
    {
        using var lab = new BridgeLab();
        Script("slow-fail", "cat >/dev/null\nsleep 0.3\nprintf '{\"code\":11,\"msg\":\"store busy\"}'\nexit 1");
        var c1 = lab.NewContainer();

        var r = Run(lab, "ADD", c1, lab.Conf("", SlowIpam(lab, "slow-fail", "10.48.0.0/24")));
        var error = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(11, error.GetProperty("code").GetInt32());
        Assert.Equal("slow-fail: store busy", error.GetProperty("msg").GetString());
        Assert.Empty(lab.HostLinks("veth"));
        Assert.DoesNotContain(c1.IpJson("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "eth0");
    }

    [Fact]
    public void DelWaitsForASlowIpamDelAndReportsItsFailure()
    {
        using var lab = new BridgeLab();
        Script("slow-ipam", $"sleep 0.2\nexec {Path.Combine(lab.IpamPath, "host-local")}");
        var c1 = lab.NewContainer();
        var conf = lab.Conf("\"ipMasq\":true", SlowIpam(lab, "slow-ipam", "10.49.0.0/24"));
        Assert.Equal(0, Run(lab, "ADD", c1, conf).ExitCode);
        Assert.Single(lab.Leases());
        Assert.Contains("10.49.0.", lab.HostRuleset());

        Assert.Equal(0, Run(lab, "DEL", c1, conf).ExitCode);
        Assert.Empty(lab.Leases());
        Assert.Empty(lab.HostLinks("veth"));
        Assert.DoesNotContain("10.49.0.", lab.HostRuleset());

        // A DEL whose delegate fails still removes everything else, and says why.
        Assert.Equal(0, Run(lab, "ADD", c1, conf).ExitCode);
        Script("slow-ipam", "cat >/dev/null\nsleep 0.2\nprintf '{\"code\":11,\"msg\":\"store busy\"}'\nexit 1");
        var r = Run(lab, "DEL", c1, conf);
        Assert.Equal(11, JsonDocument.Parse(r.Stdout).RootElement.GetProperty("code").GetInt32());
        Assert.Empty(lab.HostLinks("veth"));
        Assert.DoesNotContain("10.49.0.", lab.HostRuleset());
    }
}
