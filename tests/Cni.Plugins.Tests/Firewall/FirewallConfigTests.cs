using Cni.Plugins.Firewall;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Firewall;

/// <summary>Config and version errors, answered before any firewall change (no namespace needed).</summary>
public class FirewallConfigTests
{
    private const string Prev = """{"cniVersion":"1.0.0","interfaces":[{"name":"cnibr0"},{"name":"eth0","sandbox":"/run/netns/x"}],"ips":[{"interface":1,"address":"10.1.0.2/24"}]}""";

    private static ExecResult Run(string conf, string command = "ADD")
        => InProcess.Run(new FirewallPlugin(), InProcess.Env(command, "c1", "/run/netns/does-not-matter", "eth0"), conf);

    [Theory]
    [InlineData("0.3.1", 1)]
    [InlineData("0.2.0", 1)]
    public void VersionsBelow040AreRefusedAsTheReferenceDoes(string version, int code)
        => Assert.Equal(code, FirewallErrors.Code(Run($$"""{"cniVersion":"{{version}}","name":"n","type":"firewall","prevResult":{{Prev}}}""")));

    [Theory]
    [InlineData("\"ingressPolicy\":\"closed\"", 7)]
    [InlineData("\"backend\":\"firewalld\"", 7)]
    [InlineData("\"backend\":\"ebtables\"", 7)]
    [InlineData("\"backend\":5", 6)]
    [InlineData("\"iptablesAdminChainName\":\"a name with spaces\"", 7)]
    [InlineData("\"iptablesAdminChainName\":\"CNI-ADMIN-CHAIN-NAME-LONGER-THAN-28\"", 7)]
    public void BadKeysAreRefused(string member, int code)
        => Assert.Equal(code, FirewallErrors.Code(Run($$"""{"cniVersion":"1.0.0","name":"n","type":"firewall",{{member}},"prevResult":{{Prev}}}""")));

    [Fact]
    public void AddWithoutPrevResultIsAConfigError()
    {
        var r = Run("""{"cniVersion":"1.0.0","name":"n","type":"firewall"}""");
        Assert.Equal(7, FirewallErrors.Code(r));
        Assert.Contains("prevResult", r.Stdout);
    }

    [Fact]
    public void IsolationWithoutAHostSideInterfaceIsAConfigError()
    {
        const string prev = """{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/run/netns/x"}],"ips":[{"interface":0,"address":"10.1.0.2/24"}]}""";
        var r = Run($$"""{"cniVersion":"1.0.0","name":"n","type":"firewall","ingressPolicy":"same-bridge","prevResult":{{prev}}}""");
        Assert.Equal(7, FirewallErrors.Code(r));
    }
}
