using Cni.Runtime.Cli;
using Cni.Sdk;

namespace Cni.Runtime.Tests;

public sealed class CnictlTests
{
    private static readonly Func<string, string?> NoEnv = _ => null;

    [Fact]
    public void ParsesPositionalsOptionsAndDefaults()
    {
        var a = CnictlArgs.Parse(["add", "net1", "c1", "--ifname", "eth1", "--publish", "8080:80", "--publish=53:53/udp@10.0.0.1",
            "--ip", "10.1.0.5/24", "--plugin-dir", "/a:/b", "--cache-dir", "/tmp/x"], NoEnv);
        Assert.Equal(("add", "net1", "c1", "/var/run/netns/c1", "eth1"), (a.Command, a.Network, a.NetNs, a.NetNsPath, a.IfName));
        Assert.Equal(["8080:80", "53:53/udp@10.0.0.1"], a.Publish);
        Assert.Equal(["/a", "/b"], a.PluginDirs);
        Assert.Equal("/etc/cni/net.d", a.ConfDir);
        Assert.Equal("/proc/1/ns/net", CnictlArgs.Parse(["del", "n", "/proc/1/ns/net"], NoEnv).NetNsPath);
        var env = CnictlArgs.Parse(["gc", "n"], k => k switch { "CNI_PATH" => "/p", "CNI_CACHE_DIR" => "/c", "NETCONFPATH" => "/d", _ => null });
        Assert.Equal(("/p", "/c", "/d"), (env.PluginDirs.Single(), env.CacheDir, env.ConfDir));
        Assert.Equal("/opt/cni/bin", CnictlArgs.Parse(["status", "n"], NoEnv).PluginDirs.Single());
    }

    [Theory]
    [InlineData("")]
    [InlineData("frob n")]
    [InlineData("add n")]
    [InlineData("gc n ns")]
    [InlineData("add n ns --bogus 1")]
    [InlineData("add n ns --ifname")]
    public void BadCommandLinesAreUsageErrors(string argv)
        => Assert.Throws<UsageException>(() => CnictlArgs.Parse(argv.Split(' ', StringSplitOptions.RemoveEmptyEntries), NoEnv));

    [Fact]
    public void PortMappings()
    {
        Assert.Equal(new CapabilityArgs.PortMapping(8080, 80, "tcp", null), CapabilityArgs.ParsePortMapping("8080:80"));
        Assert.Equal(new CapabilityArgs.PortMapping(53, 5353, "udp", "10.0.0.1"), CapabilityArgs.ParsePortMapping("53:5353/UDP@10.0.0.1"));
        Assert.Equal(new CapabilityArgs.PortMapping(1, 2, "sctp", "fd00::1"), CapabilityArgs.ParsePortMapping("1:2/sctp@fd00::1"));
        foreach (var bad in new[] { "80", "0:80", "80:70000", "80:80/icmp", "80:80@nothost", "a:b" })
            Assert.Throws<UsageException>(() => CapabilityArgs.ParsePortMapping(bad));
    }

    [Fact]
    public void CapabilityArgsHaveTheConventionShapes()
    {
        var caps = CapabilityArgs.Build(["8080:80@10.0.0.1"], ["10.0.0.7/24", "fd00::7"], "02:00:00:00:00:aa");
        var pm = caps["portMappings"][0];
        Assert.Equal((8080, 80, "tcp", "10.0.0.1"), (pm.GetProperty("hostPort").GetInt32(), pm.GetProperty("containerPort").GetInt32(),
            pm.GetProperty("protocol").GetString(), pm.GetProperty("hostIP").GetString()));
        Assert.Equal(["10.0.0.7/24", "fd00::7"], caps["ips"].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("02:00:00:00:00:aa", caps["mac"].GetString());
        Assert.Empty(CapabilityArgs.Build([], [], null));
        Assert.Throws<UsageException>(() => CapabilityArgs.Build([], [], "zz"));
    }

    [Fact]
    public void ContainerIdComesFromTheNetns()
    {
        Assert.Equal("cnictl-c1", CapabilityArgs.ContainerIdFor("c1"));
        var hashed = CapabilityArgs.ContainerIdFor("/proc/42/ns/net");
        Assert.Matches("^cnictl-[0-9a-f]{20}$", hashed);
        Assert.Equal(hashed, CapabilityArgs.ContainerIdFor("/proc/42/ns/net"));
        Assert.True(Validation.IsValidId(CapabilityArgs.ContainerIdFor("weird name!")));
    }

    [Fact]
    public void ExitStatusKeepsSmallCodes()
    {
        Assert.Equal(7, Cnictl.ExitStatus(CniErrorCode.InvalidNetworkConfig));
        Assert.Equal(1, Cnictl.ExitStatus(CniErrorCode.Internal));
    }
}
