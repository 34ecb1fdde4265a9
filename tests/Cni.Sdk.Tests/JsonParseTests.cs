using System.Text;
using System.Text.Json;
using Cni.Sdk;

namespace Cni.Sdk.Tests;

/// <summary>
/// Config and result parsing go through CniJson.ParseDetached (an undisposed JsonDocument, see there for why):
/// the element must stay readable after the call, and bad or trailing input is still code 6.
/// </summary>
public class JsonParseTests
{
    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"n"} x""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n"}{}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n",}""")]
    [InlineData("""{"cniVersion":"1.0.0" /* c */,"name":"n"}""")]
    [InlineData("[1]")]
    public void Bad_or_trailing_config_is_code_6(string json)
    {
        var e = Assert.Throws<CniException>(() => NetConf.ParseObject(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
    }

    [Fact]
    public void Parsed_config_outlives_the_call_and_trailing_whitespace_is_fine()
    {
        var root = NetConf.ParseObject(Encoding.UTF8.GetBytes("""{"cniVersion":"1.0.0","name":"n","ipam":{"type":"x"}}""" + " \n"));
        GC.Collect();
        Assert.Equal("x", root.GetProperty("ipam").GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
    }

    [Fact]
    public void Result_with_trailing_content_is_code_6()
    {
        var e = Assert.Throws<CniException>(() => ResultJson.Decode("""{"cniVersion":"1.0.0","ips":[]} ]"""u8, "1.0.0"));
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
    }

    /// <summary>
    /// Short input is padded with whitespace before parsing (see CniJson.ParseDetached); the elements must read
    /// exactly as the unpadded text, whatever the size and token density.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(40)]
    [InlineData(400)]
    [InlineData(120_000)]
    public void Token_dense_config_reads_back_exactly(int count)
    {
        var ints = string.Join(",", Enumerable.Range(0, count).Select(i => i % 10));
        var json = $$$"""{"cniVersion":"1.0.0","name":"n","a":[{{{ints}}}],"b":{"c":[true,false,null,"x"]}}""";
        var root = NetConf.ParseObject(Encoding.UTF8.GetBytes(json));
        GC.Collect();
        Assert.Equal(count, root.GetProperty("a").GetArrayLength());
        Assert.Equal($"[{ints}]", root.GetProperty("a").GetRawText());
        Assert.Equal("""{"c":[true,false,null,"x"]}""", root.GetProperty("b").GetRawText());
        Assert.Equal(json, root.GetRawText());
    }
}
