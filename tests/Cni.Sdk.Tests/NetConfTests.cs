using System.Text;
using System.Text.Json;

namespace Cni.Sdk.Tests;

/// <summary>The common keys, parsed once for every version.</summary>
public class NetConfTests
{
    private static NetConf Parse(string json) => NetConf.Parse(Encoding.UTF8.GetBytes(json));

    public static TheoryData<string> Versions() => [.. CniVersions.All];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Every_version_parses_the_common_keys(string version)
    {
        var c = Parse($$$"""
        {"cniVersion":"{{{version}}}","name":"mynet","type":"bridge","ipMasq":true,
         "capabilities":{"portMappings":true,"ips":false},
         "ipam":{"type":"host-local","subnet":"10.1.0.0/16","routes":[{"dst":"0.0.0.0/0"}]},
         "dns":{"nameservers":["10.1.0.1","fd00::1"],"domain":"example.org","search":["a.example.org"],"options":["ndots:2"]},
         "runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]},
         "args":{"cni":{"ips":["10.1.0.9"]}},
         "bridge":"cni0"}
        """);
        Assert.Equal(version, c.CniVersion);
        Assert.Equal(("mynet", "bridge", true), (c.Name, c.Type, c.IpMasq));
        Assert.Equal(new Dictionary<string, bool> { ["portMappings"] = true, ["ips"] = false }, c.Capabilities);
        Assert.Equal("host-local", c.Ipam!.Type);
        Assert.Equal("10.1.0.0/16", c.Ipam.Raw.GetProperty("subnet").GetString());
        Assert.Equal(["10.1.0.1", "fd00::1"], c.Dns!.Nameservers);
        Assert.Equal("example.org", c.Dns.Domain);
        Assert.Equal(["a.example.org"], c.Dns.Search);
        Assert.Equal(["ndots:2"], c.Dns.Options);
        Assert.Equal(8080, c.RuntimeConfig!.Value.GetProperty("portMappings")[0].GetProperty("hostPort").GetInt32());
        Assert.Equal("10.1.0.9", c.Args!.Value.GetProperty("cni").GetProperty("ips")[0].GetString());
        Assert.Equal("cni0", c.Raw.GetProperty("bridge").GetString());
        Assert.Null(c.PrevResult);
        Assert.Null(c.ValidAttachments);
    }

    [Fact]
    public void Absent_keys_have_defaults()
    {
        var c = Parse("""{"name":"n"}""");
        Assert.Equal("0.1.0", c.CniVersion);
        Assert.Equal("", c.Type);
        Assert.Empty(c.Capabilities);
        Assert.Null(c.Ipam);
        Assert.Null(c.Dns);
        Assert.False(c.IpMasq);
        Assert.Null(c.RuntimeConfig);
        Assert.Null(c.Args);
    }

    [Theory]
    [InlineData("""{"name":"n","cniVersion":""}""")]
    [InlineData("""{"name":"n","cniVersion":null}""")]
    public void Empty_or_null_version_is_0_1_0(string json) => Assert.Equal("0.1.0", Parse(json).CniVersion);

    [Fact] // bridge's pure-L2 mode: "ipam":{} is present with an empty type
    public void Empty_ipam_object_has_empty_type()
    {
        var c = Parse("""{"name":"n","ipam":{}}""");
        Assert.NotNull(c.Ipam);
        Assert.Equal("", c.Ipam.Type);
    }

    [Fact]
    public void Dns_config_converts_to_result_dns()
    {
        var d = Parse("""{"name":"n","dns":{"nameservers":["1.1.1.1"]}}""").Dns!.ToResult();
        Assert.Equal(["1.1.1.1"], d.Nameservers);
        Assert.Null(d.Domain);
    }

    [Theory] // GC attachments from either key; the new key wins when both are present
    [InlineData("cni.dev/valid-attachments")]
    [InlineData("cni.dev/attachments")]
    public void Attachments_from_either_key(string key)
    {
        var c = Parse($$"""{"cniVersion":"1.1.0","name":"n","{{key}}":[{"containerID":"a","ifname":"eth0"},{"containerID":"b","ifname":"net1"}]}""");
        Assert.Equal([new Attachment("a", "eth0"), new Attachment("b", "net1")], c.ValidAttachments!);
    }

    [Fact]
    public void New_attachment_key_wins()
    {
        var c = Parse("""{"name":"n","cni.dev/valid-attachments":[{"containerID":"new","ifname":"eth0"}],"cni.dev/attachments":[{"containerID":"old","ifname":"eth0"}]}""");
        Assert.Equal([new Attachment("new", "eth0")], c.ValidAttachments!);
    }

    [Fact]
    public void Empty_attachment_list_is_empty_not_null()
        => Assert.Empty(Parse("""{"name":"n","cni.dev/valid-attachments":[]}""").ValidAttachments!);

    [Fact]
    public void PrevResult_is_parsed_in_the_config_version()
    {
        var c = Parse("""
        {"cniVersion":"0.4.0","name":"n","prevResult":{"cniVersion":"0.4.0",
          "interfaces":[{"name":"eth0","sandbox":"/var/run/netns/x"}],
          "ips":[{"version":"4","interface":0,"address":"10.0.0.2/24","gateway":"10.0.0.1"}],
          "routes":[{"dst":"0.0.0.0/0"}],"dns":{}}}
        """);
        var p = c.PrevResult!;
        Assert.Equal("eth0", p.Interfaces[0].Name);
        Assert.Equal(0, p.Ips[0].Interface);
        Assert.Equal("10.0.0.1", p.Ips[0].Gateway!.ToString());
        Assert.Single(p.Routes);
    }

    [Theory]
    [InlineData("0.2.0", """{"cniVersion":"0.4.0","ips":[]}""", "result type supports [0.1.0 0.2.0] but unmarshalled CNIVersion is 0.4.0")]
    [InlineData("0.4.0", """{"cniVersion":"1.1.0","ips":[]}""", "result type supports [0.3.0 0.3.1 0.4.0] but unmarshalled CNIVersion is 1.1.0")]
    [InlineData("1.1.0", """{"cniVersion":"0.2.0","ip4":{"ip":"10.0.0.2/24"}}""", "result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is 0.2.0")]
    public void PrevResult_of_another_family_is_code_6(string version, string prev, string msg)
    {
        var e = Assert.Throws<CniException>(() => Parse($$"""{"cniVersion":"{{version}}","name":"n","prevResult":{{prev}}}"""));
        Assert.Equal((CniErrorCode.DecodingFailure, msg), (e.Code, e.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{")]
    [InlineData("""{"name":"n","cniVersion":3}""")]
    [InlineData("""{"name":"n","type":7}""")]
    public void Undecodable_config_is_code_6(string json)
        => Assert.Equal(CniErrorCode.DecodingFailure, Assert.Throws<CniException>(() => Parse(json)).Code);

    [Fact] // Raw outlives the parse: it is detached from any disposed document
    public void Raw_is_detached()
    {
        var c = Parse("""{"name":"n","custom":{"deep":[1,2,3]}}""");
        GC.Collect();
        Assert.Equal(JsonValueKind.Array, c.Raw.GetProperty("custom").GetProperty("deep").ValueKind);
    }
}
