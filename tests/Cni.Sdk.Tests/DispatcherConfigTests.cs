using System.Text.Json;

namespace Cni.Sdk.Tests;

/// <summary>Digest section 9, C15-C22, C44, C56, C60, C64, plus the skel's order and error mapping.</summary>
public class DispatcherConfigTests
{
    private readonly FakePlugin _plugin = new();

    private Outcome Add(string stdin) => Skel.Run(_plugin, Skel.Env("ADD"), stdin);

    [Theory] // C15-C18
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("""{"cniVersion":""")]
    [InlineData("[1]")]
    [InlineData("\"str\"")]
    [InlineData("""{"cniVersion":1,"name":"n"}""")]
    [InlineData("""{"cniVersion":["1.0.0"],"name":"n"}""")]
    public void Undecodable_stdin_is_code_6(string stdin)
    {
        Assert.Equal(6u, Add(stdin).Error.Code);
        Assert.Empty(_plugin.Calls);
    }

    [Theory] // C19, C20 and the path-safety additions
    [InlineData("""{"cniVersion":"1.1.0"}""", "missing network name")]
    [InlineData("""{"cniVersion":"1.1.0","name":""}""", "missing network name")]
    [InlineData("""{"cniVersion":"1.1.0","name":null}""", "missing network name")]
    [InlineData("""{"cniVersion":"1.1.0","name":"-n/"}""", "invalid network name")]
    [InlineData("""{"cniVersion":"1.1.0","name":"a..b"}""", "invalid network name")]
    [InlineData("""{"cniVersion":"1.1.0","name":"a\u0000b"}""", "invalid network name")]
    [InlineData("""{"cniVersion":"1.1.0","name":"net\n"}""", "invalid network name")]
    [InlineData("""{"cniVersion":"1.1.0","name":5}""", "invalid network name")]
    public void Bad_name_is_code_7(string stdin, string msg)
    {
        var o = Add(stdin);
        Assert.Equal(7u, o.Error.Code);
        Assert.Equal(msg, o.Error.Msg);
    }

    [Theory]
    [InlineData("GC")]
    [InlineData("STATUS")]
    [InlineData("DEL")]
    public void Name_is_checked_for_every_verb_but_version(string verb)
    {
        var o = Skel.Run(_plugin, Skel.Env(verb), """{"cniVersion":"1.1.0"}""");
        Assert.Equal(7u, o.Error.Code);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("my-net_1.v2")]
    [InlineData("1net")]
    public void Good_names_pass(string name)
        => Assert.Equal(0, Add($$"""{"cniVersion":"1.1.0","name":"{{name}}"}""").Exit);

    [Fact] // C21: unsupported version is 1 with details, and the plugin never runs
    public void Unsupported_version_is_code_1()
    {
        var o = Add(Skel.Conf("9.9.9"));
        Assert.Equal(1u, o.Error.Code);
        Assert.Equal("incompatible CNI versions", o.Error.Msg);
        Assert.Contains("\"9.9.9\"", o.Error.Details);
        Assert.Empty(_plugin.Calls);
    }

    [Theory] // support is exact string equality
    [InlineData("1.1")]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("1.1.0 ")]
    public void Version_match_is_exact(string version)
        => Assert.Equal(1u, Add(Skel.Conf(version)).Error.Code);

    [Fact] // C3: every supported version is accepted for ADD and DEL
    public void Every_supported_version_is_accepted()
    {
        foreach (var v in CniVersions.All)
        {
            Assert.Equal(0, Add(Skel.Conf(v)).Exit);
            Assert.Equal(0, Skel.Run(_plugin, Skel.Env("DEL"), Skel.Conf(v)).Exit);
        }
    }

    [Fact]
    public void Plugin_narrowed_versions_are_enforced()
    {
        _plugin.Versions = ["1.0.0"];
        Assert.Equal(1u, Add(Skel.Conf("1.1.0")).Error.Code);
        Assert.Equal(0, Add(Skel.Conf("1.0.0")).Exit);
    }

    [Fact] // C22: no cniVersion means 0.1.0, and the result is 0.1.0-shaped
    public void Missing_version_is_0_1_0()
    {
        var o = Add("""{"name":"net1","type":"fake"}""");
        Assert.Equal(0, o.Exit);
        Assert.Equal("""{"cniVersion":"0.1.0","ip4":{"ip":"10.1.0.5/16","gateway":"10.1.0.1","routes":[{"dst":"0.0.0.0/0"}]},"dns":{}}""" + "\n", o.Stdout);
        Assert.Equal("0.1.0", _plugin.Last!.Config.CniVersion);
    }

    [Theory] // C44 and the GC/STATUS gates (C56, C60): code 1 below the verb's minimum
    [InlineData("CHECK", "0.3.1")]
    [InlineData("CHECK", "0.1.0")]
    [InlineData("GC", "1.0.0")]
    [InlineData("GC", "0.4.0")]
    [InlineData("STATUS", "0.4.0")]
    [InlineData("STATUS", "1.0.0")]
    public void Verb_gate_is_code_1(string verb, string version)
    {
        var o = Skel.Run(_plugin, Skel.Env(verb), Skel.Conf(version));
        Assert.Equal(1u, o.Error.Code);
        Assert.Equal($"config version does not allow {verb}", o.Error.Msg);
        Assert.Empty(_plugin.Calls);
    }

    [Fact] // C44 second half: CHECK with a version above the gate that the plugin lacks
    public void Check_with_unsupported_version_is_code_1()
        => Assert.Equal(1u, Skel.Run(_plugin, Skel.Env("CHECK"), Skel.Conf("9.9.9")).Error.Code);

    [Theory] // the numeric gate cannot parse the version: 6, as the reference does
    [InlineData("CHECK")]
    [InlineData("GC")]
    public void Unparsable_version_at_gate_is_code_6(string verb)
        => Assert.Equal(6u, Skel.Run(_plugin, Skel.Env(verb), Skel.Conf("banana")).Error.Code);

    [Theory]
    [InlineData("CHECK", "0.4.0")]
    [InlineData("CHECK", "1.0.0")]
    [InlineData("GC", "1.1.0")]
    [InlineData("STATUS", "1.1.0")]
    public void Verb_gate_passes_at_minimum(string verb, string version)
        => Assert.Equal(0, Skel.Run(_plugin, Skel.Env(verb), Skel.Conf(version)).Exit);

    [Fact] // C64: capabilities and unknown keys do no harm, and stay readable in Raw
    public void Capabilities_and_unknown_keys_are_tolerated()
    {
        var o = Add(Skel.Conf(extra: "\"capabilities\":{\"portMappings\":true,\"weird\":\"x\"},\"futureKey\":{\"a\":[1,2]},\"cni.dev/other\":1"));
        Assert.Equal(0, o.Exit);
        var c = _plugin.Last!.Config;
        Assert.True(c.Capabilities["portMappings"]);
        Assert.False(c.Capabilities.ContainsKey("weird"));
        Assert.Equal(2, c.Raw.GetProperty("futureKey").GetProperty("a").GetArrayLength());
    }

    [Fact] // order: a bad name wins over an unknown command and a bad version (steps 3 < 4 < 5)
    public void Name_error_comes_before_command_and_version()
    {
        var o = Skel.Run(_plugin, new() { ["CNI_COMMAND"] = "FOO" }, """{"cniVersion":1}""");
        Assert.Equal(7u, o.Error.Code);
    }

    [Fact] // order: bad JSON wins over an unknown command
    public void Decode_error_comes_before_unknown_command()
        => Assert.Equal(6u, Skel.Run(_plugin, new() { ["CNI_COMMAND"] = "FOO" }, "[").Error.Code);

    [Fact] // order: an unknown command wins over a non-string cniVersion
    public void Unknown_command_comes_before_version_decoding()
        => Assert.Equal(4u, Skel.Run(_plugin, new() { ["CNI_COMMAND"] = "FOO" }, """{"name":"n","cniVersion":1}""").Error.Code);

    [Fact] // a typed error passes through unchanged
    public void CniException_passes_through()
    {
        _plugin.Throw = new CniException(CniErrorCode.TryAgainLater, "store is locked", "retry later");
        var e = Add(Skel.Conf()).Error;
        Assert.Equal((11u, "store is locked", "retry later"), e);
    }

    [Fact] // details are omitted when null
    public void Null_details_are_omitted()
    {
        _plugin.Throw = new CniException(CniErrorCode.NotReady, "pool exhausted");
        var o = Skel.Run(_plugin, Skel.Env("STATUS"), Skel.Conf());
        Assert.Equal("""{"code":50,"msg":"pool exhausted"}""" + "\n", o.Stdout);
        Assert.Equal(1, o.Exit);
    }

    [Fact] // anything untyped is 999, with the cause chain in details and no stack trace
    public void Other_exceptions_are_999_with_chain()
    {
        _plugin.Throw = new InvalidOperationException("outer", new IOException("inner cause"));
        var e = Add(Skel.Conf()).Error;
        Assert.Equal(999u, e.Code);
        Assert.Equal("outer", e.Msg);
        Assert.Equal("InvalidOperationException: outer ---> IOException: inner cause", e.Details);
        Assert.DoesNotContain(" at ", e.Details);
    }

    [Fact]
    public void JsonException_from_a_handler_is_code_6()
    {
        _plugin.Throw = new JsonException("bad plugin key");
        Assert.Equal(6u, Add(Skel.Conf()).Error.Code);
    }

    [Fact] // ADD's result cannot be expressed in 0.2.0 (no IP): one error, nothing else on stdout
    public void Unconvertible_result_is_one_error()
    {
        _plugin.ResultToReturn = new Result { Interfaces = [new Interface { Name = "eth0" }] };
        var o = Add(Skel.Conf("0.2.0"));
        Assert.Equal(1u, o.Error.Code);
        Assert.Equal("cannot convert: no valid IP addresses", o.Error.Msg);
    }

    [Fact] // prevResult in another family is 6, with the reference's wording
    public void PrevResult_family_mismatch_is_code_6()
    {
        var prev = """{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.2/24"}],"dns":{}}""";
        var o = Add(Skel.Conf("1.0.0", "\"prevResult\":" + prev));
        Assert.Equal(6u, o.Error.Code);
        Assert.Equal("result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is 0.4.0", o.Error.Msg);
        Assert.Empty(_plugin.Calls);
    }

    [Fact]
    public void PrevResult_same_family_and_unlabelled_are_accepted()
    {
        var prev = """{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.2/24"}]}""";
        Assert.Equal(0, Add(Skel.Conf("1.1.0", "\"prevResult\":" + prev)).Exit);
        Assert.Equal("10.0.0.2/24", _plugin.Last!.Config.PrevResult!.Ips[0].Address.ToString());

        var unlabelled = """{"ips":[{"version":"4","address":"10.0.0.3/24"}]}""";
        Assert.Equal(0, Add(Skel.Conf("0.4.0", "\"prevResult\":" + unlabelled)).Exit);
        Assert.Equal("10.0.0.3/24", _plugin.Last!.Config.PrevResult!.Ips[0].Address.ToString());
    }

    [Fact]
    public void Bad_prevResult_address_is_code_6()
        => Assert.Equal(6u, Add(Skel.Conf("1.1.0", "\"prevResult\":{\"ips\":[{\"address\":\"10.0.0.2\"}]}")).Error.Code);

    [Fact] // wrongly typed common keys are decoding failures, not crashes
    public void Wrongly_typed_common_keys_are_code_6()
    {
        Assert.Equal(6u, Add(Skel.Conf(extra: "\"ipam\":\"host-local\"")).Error.Code);
        Assert.Equal(6u, Add(Skel.Conf(extra: "\"ipMasq\":\"yes\"")).Error.Code);
        Assert.Equal(6u, Add(Skel.Conf(extra: "\"dns\":{\"nameservers\":\"8.8.8.8\"}")).Error.Code);
    }

    [Fact] // GC: the attachments reach the plugin
    public void Gc_gets_valid_attachments()
    {
        var conf = Skel.Conf(extra: "\"cni.dev/valid-attachments\":[{\"containerID\":\"a\",\"ifname\":\"eth0\"}]");
        Assert.Equal(0, Skel.Run(_plugin, new() { ["CNI_COMMAND"] = "GC", ["CNI_PATH"] = "/x" }, conf).Exit);
        Assert.Equal([new Attachment("a", "eth0")], _plugin.Last!.Config.ValidAttachments!);
    }
}
