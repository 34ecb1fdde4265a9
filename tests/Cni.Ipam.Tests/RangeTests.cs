using System.Net;
using System.Text.Json;
using Cni.Ipam.HostLocal;
using Cni.Linux.Net;
using Cni.Sdk;

namespace Cni.Ipam.Tests;

public class RangeTests
{
    private static HostLocalConfig Parse(string ipam, string version = "1.0.0", string top = "", string? ip = null)
        => HostLocalConfig.Parse(JsonDocument.Parse($$$"""{"cniVersion":"{{{version}}}","name":"n"{{{top}}},"ipam":{{{ipam}}}}""").RootElement, "n", version, ip);

    private static CniException Bad(string ipam, string version = "1.0.0", string top = "")
        => Assert.Throws<CniException>(() => Parse(ipam, version, top));

    [Fact]
    public void Defaults_follow_the_reference()
    {
        var c = Parse("""{"ranges":[[{"subnet":"10.1.2.0/24"}],[{"subnet":"fd00::/64"}]]}""");
        var v4 = c.RangeSets[0].Ranges[0];
        Assert.Equal(IPAddress.Parse("10.1.2.1"), v4.Gateway);
        Assert.Equal(IPAddress.Parse("10.1.2.1"), v4.RangeStart);
        Assert.Equal(IPAddress.Parse("10.1.2.254"), v4.RangeEnd);
        var v6 = c.RangeSets[1].Ranges[0];
        Assert.Equal(IPAddress.Parse("fd00::ffff:ffff:ffff:ffff"), v6.RangeEnd);
        Assert.Equal(HostLocalConfig.DefaultDataDir, c.DataDir);
    }

    [Fact]
    public void Legacy_range_comes_after_runtime_ranges_and_before_ranges()
    {
        var c = Parse("""{"subnet":"10.0.0.0/24","ranges":[[{"subnet":"10.2.0.0/24"}]]}""",
            top: ""","runtimeConfig":{"ipRanges":[[{"subnet":"10.1.0.0/24","rangeStart":"10.1.0.10","rangeEnd":"10.1.0.20","gateway":"10.1.0.254"}]]}""");
        Assert.Equal(["10.1.0.0/24", "10.0.0.0/24", "10.2.0.0/24"], c.RangeSets.Select(s => s.Ranges[0].Subnet.ToString()));
        Assert.Equal(IPAddress.Parse("10.1.0.254"), c.RangeSets[0].Ranges[0].Gateway);
    }

    [Theory]
    [InlineData("""{"ranges":[[{"subnet":"10.1.2.5/24"}]]}""", "host bits")]
    [InlineData("""{"ranges":[[{"subnet":"10.1.2.0/31"}]]}""", "too small")]
    [InlineData("""{"ranges":[[{"subnet":"fd00::/127"}]]}""", "too small")]
    [InlineData("""{"ranges":[[{"subnet":"10.1.2.0/24","rangeStart":"10.1.3.1"}]]}""", "rangeStart")]
    [InlineData("""{"ranges":[[{"subnet":"10.1.2.0/24","rangeEnd":"10.1.3.1"}]]}""", "rangeEnd")]
    [InlineData("""{"ranges":[[{"subnet":"10.1.2.0/24"},{"subnet":"10.1.2.0/25"}]]}""", "overlap")]
    [InlineData("""{"ranges":[[{"subnet":"10.1.2.0/24"},{"subnet":"fd00::/64"}]]}""", "mixed")]
    [InlineData("""{"ranges":[[{"subnet":"10.1.2.0/24"}],[{"subnet":"10.1.2.128/25"}]]}""", "overlaps")]
    [InlineData("""{"ranges":[]}""", "no IP ranges")]
    [InlineData("""{"ranges":[[{"subnet":"banana"}]]}""", "ipam.ranges[0][0].subnet")]
    [InlineData("""{"ranges":[[{"subnet":"10.0.0.0/24"}]],"exclude":["nope"]}""", "ipam.exclude[0]")]
    public void Invalid_ranges_are_error_7_naming_the_problem(string ipam, string expected)
    {
        var e = Bad(ipam);
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Two_ranges_of_a_family_need_0_3_0()
    {
        const string ipam = """{"ranges":[[{"subnet":"10.1.0.0/24"}],[{"subnet":"10.2.0.0/24"}]]}""";
        Assert.Contains("does not support", Bad(ipam, "0.2.0").Message);
        Assert.Equal(2, Parse(ipam, "0.3.0").RangeSets.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\0b")]
    public void Unsafe_network_names_are_error_7(string name)
        => Assert.Equal(CniErrorCode.InvalidNetworkConfig, Assert.Throws<CniException>(() => HostLocalConfig.ValidateNetworkName(name)).Code);

    [Fact]
    public void Requested_ips_come_from_cni_args_args_and_runtime_config_without_duplicates()
    {
        var c = Parse("""{"ranges":[[{"subnet":"10.1.0.0/24"}]]}""",
            top: ""","args":{"cni":{"ips":["10.1.0.7/24","10.1.0.5"]}},"runtimeConfig":{"ips":["10.1.0.8"]}""", ip: "10.1.0.5");
        Assert.Equal(["10.1.0.5", "10.1.0.7", "10.1.0.8"], c.RequestedIps.Select(i => i.ToString()));
    }

    [Fact]
    public void Exclude_counts_merged_blocks_once()
    {
        var x = new ExcludeList();
        x.Add(Cidr.Parse("10.0.0.8/29"));
        x.Add(Cidr.Parse("10.0.0.10/32"));
        var r = new IpRange(Cidr.Parse("10.0.0.0/24"), null, null, null);
        Assert.Equal((UInt128)8, x.CountIn(r, r.Gateway, out bool gw));
        Assert.False(gw);
        Assert.True(x.Contains(IPAddress.Parse("10.0.0.15")));
        Assert.False(x.Contains(IPAddress.Parse("10.0.0.16")));
    }
}
