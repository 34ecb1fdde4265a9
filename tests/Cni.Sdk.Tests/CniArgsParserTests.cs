namespace Cni.Sdk.Tests;

/// <summary>Digest section 8: the reference's CNI_ARGS rules, reported as code 4.</summary>
public class CniArgsParserTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Empty_is_empty(string? raw) => Assert.Empty(CniArgsParser.Parse(raw, "IP"));

    [Fact]
    public void Known_keys_parse()
    {
        var a = CniArgsParser.Parse("IP=10.1.0.9;MAC=aa:bb:cc:dd:ee:ff", "IP", "MAC");
        Assert.Equal("10.1.0.9", a["IP"]);
        Assert.Equal("aa:bb:cc:dd:ee:ff", a["MAC"]);
    }

    [Theory]
    [InlineData("IgnoreUnknown=1;K8S_POD_NAME=p;K8S_POD_NAMESPACE=n;K8S_POD_INFRA_CONTAINER_ID=c;IP=10.9.0.77")]
    [InlineData("IgnoreUnknown=true;K8S_POD_NAME=p;IP=10.9.0.77")]
    [InlineData("IgnoreUnknown=True;K8S_POD_NAME=p;IP=10.9.0.77")]
    [InlineData("IgnoreUnknown=TRUE;K8S_POD_NAME=p;IP=10.9.0.77")]
    [InlineData("K8S_POD_NAME=p;IP=10.9.0.77;IgnoreUnknown=1")] // position does not matter
    public void IgnoreUnknown_tolerates_unknown_keys(string raw)
    {
        var a = CniArgsParser.Parse(raw, "IP");
        Assert.Equal("10.9.0.77", a["IP"]);
        Assert.Equal("p", a["K8S_POD_NAME"]);
    }

    [Theory]
    [InlineData("K8S_POD_NAME=x")]
    [InlineData("IgnoreUnknown=0;K8S_POD_NAME=x")]
    [InlineData("IgnoreUnknown=false;K8S_POD_NAME=x")]
    [InlineData("ip=10.0.0.1")] // keys are case-sensitive
    public void Unknown_keys_fail_with_code_4(string raw)
    {
        var e = Assert.Throws<CniException>(() => CniArgsParser.Parse(raw, "IP"));
        Assert.Equal(CniErrorCode.InvalidEnvironment, e.Code);
        Assert.StartsWith("ARGS: unknown args [", e.Message);
    }

    [Theory]
    [InlineData("IgnoreUnknown")]
    [InlineData("A=b=c")]
    [InlineData("IP=10.0.0.1;")] // trailing ';' leaves an empty pair
    [InlineData(";IP=10.0.0.1")]
    [InlineData("IP=10.0.0.1;;MAC=x")]
    public void Bad_pairs_fail_with_code_4(string raw)
    {
        var e = Assert.Throws<CniException>(() => CniArgsParser.Parse(raw, "IP", "MAC"));
        Assert.Equal(CniErrorCode.InvalidEnvironment, e.Code);
        Assert.StartsWith("ARGS: invalid pair", e.Message);
    }

    [Theory]
    [InlineData("IgnoreUnknown=yes")]
    [InlineData("IgnoreUnknown=")]
    [InlineData("IgnoreUnknown=2")]
    public void Bad_IgnoreUnknown_value_fails(string raw)
        => Assert.Equal(CniErrorCode.InvalidEnvironment, Assert.Throws<CniException>(() => CniArgsParser.Parse(raw)).Code);

    [Fact]
    public void IgnoreUnknown_alone_is_fine()
        => Assert.Equal("1", CniArgsParser.Parse("IgnoreUnknown=1")["IgnoreUnknown"]);

    [Fact]
    public void Empty_value_is_kept()
        => Assert.Equal("", CniArgsParser.Parse("IP=", "IP")["IP"]);
}
