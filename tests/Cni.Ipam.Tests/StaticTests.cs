using Cni.Ipam.Static;

namespace Cni.Ipam.Tests;

public class StaticTests
{
    private static readonly StaticPlugin P = new();

    private static string Cfg(string extraTop = "", string version = "1.0.0") => $$$"""
        {"cniVersion":"{{{version}}}","name":"s","type":"static"{{{extraTop}}},"ipam":{"type":"static",
         "addresses":[{"address":"10.10.0.5/24","gateway":"10.10.0.1"},{"address":"fd10::5/64"}],
         "routes":[{"dst":"0.0.0.0/0"}],"dns":{"nameservers":["10.10.0.53"],"domain":"d","search":["s1"],"options":["o1"]} } }
        """;

    [Fact]
    public void Add_prints_the_configured_addresses_routes_and_dns()
    {
        var r = Plugin.InProc(P, "ADD", Cfg()).Ok();
        Assert.Equal(["10.10.0.5/24", "fd10::5/64"], r.Addresses);
        Assert.Equal("10.10.0.1", r.Json.GetProperty("ips")[0].GetProperty("gateway").GetString());
        Assert.Equal("10.10.0.53", r.Json.GetProperty("dns").GetProperty("nameservers")[0].GetString());
        Assert.Equal("0.0.0.0/0", r.Json.GetProperty("routes")[0].GetProperty("dst").GetString());
    }

    [Fact]
    public void Cni_args_ip_appends_and_gateway_attaches_by_subnet()
    {
        var r = Plugin.InProc(P, "ADD", Cfg(), cniArgs: "IP=10.11.0.7/24,10.12.0.7/24;GATEWAY=10.12.0.1").Ok();
        Assert.Equal(["10.10.0.5/24", "fd10::5/64", "10.11.0.7/24", "10.12.0.7/24"], r.Addresses);
        Assert.Equal("10.12.0.1", r.Json.GetProperty("ips")[3].GetProperty("gateway").GetString());
    }

    [Fact]
    public void Args_and_runtime_config_ips_replace_the_list()
    {
        Assert.Equal(["10.20.0.1/16"], Plugin.InProc(P, "ADD", Cfg(""","args":{"cni":{"ips":["10.20.0.1/16"]}}""")).Ok().Addresses);
        Assert.Equal(["10.30.0.1/16"], Plugin.InProc(P, "ADD",
            Cfg(""","args":{"cni":{"ips":["10.20.0.1/16"]}},"runtimeConfig":{"ips":["10.30.0.1/16"]}""")).Ok().Addresses);
        Assert.Equal(7, Plugin.InProc(P, "ADD", Cfg(""","runtimeConfig":{"ips":["10.30.0.1"]}""")).ErrorCode);
    }

    [Fact]
    public void Check_matches_gateways_in_prevResult()
    {
        Plugin.InProc(P, "CHECK", Cfg(""","prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.10.0.5/24","gateway":"10.10.0.1"}]}""")).Ok();
        Assert.NotEqual(0, Plugin.InProc(P, "CHECK", Cfg(""","prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.10.0.5/24","gateway":"10.10.0.9"}]}""")).ExitCode);
        Assert.NotEqual(0, Plugin.InProc(P, "CHECK", Cfg()).ExitCode);
        Plugin.InProc(P, "DEL", Cfg()).Ok();
    }

    [Fact]
    public void Two_addresses_per_family_need_0_3_0()
        => Assert.Equal(7, Plugin.InProc(P, "ADD", Cfg(version: "0.2.0"), cniArgs: "IP=10.11.0.7/24").ErrorCode);
}
