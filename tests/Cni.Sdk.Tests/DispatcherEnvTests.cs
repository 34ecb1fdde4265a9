using System.Text.Json;

namespace Cni.Sdk.Tests;

/// <summary>Digest section 9, C1-C14: dispatch and environment, with the exact codes.</summary>
public class DispatcherEnvTests
{
    private readonly FakePlugin _plugin = new();

    [Fact] // C1
    public void Version_prints_library_version_and_supported_list()
    {
        var o = Skel.Run(_plugin, new() { ["CNI_COMMAND"] = "VERSION" }, """{"cniVersion":"1.1.0"}""");
        Assert.Equal(0, o.Exit);
        Assert.Equal("""{"cniVersion":"1.1.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}""" + "\n", o.Stdout);
        Assert.Empty(_plugin.Calls);
    }

    [Theory] // C2: VERSION ignores stdin, even garbage
    [InlineData("")]
    [InlineData("{not json")]
    public void Version_ignores_stdin(string stdin)
    {
        var o = Skel.Run(_plugin, new() { ["CNI_COMMAND"] = "VERSION" }, stdin);
        Assert.Equal(0, o.Exit);
        Assert.Equal("1.1.0", o.JsonSingle().GetProperty("cniVersion").GetString());
    }

    [Fact]
    public void Version_reports_a_narrowed_list()
    {
        _plugin.Versions = ["1.0.0", "1.1.0"];
        var o = Skel.Run(_plugin, new() { ["CNI_COMMAND"] = "VERSION" }, "");
        Assert.Equal(["1.0.0", "1.1.0"], o.JsonSingle().GetProperty("supportedVersions").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory] // no CNI_COMMAND (or empty): about text and versions on stderr, exit 0, stdout empty
    [InlineData(null)]
    [InlineData("")]
    public void No_command_prints_about_to_stderr(string? command)
    {
        var env = Skel.Env("ADD");
        env["CNI_COMMAND"] = command;
        var o = Skel.Run(_plugin, env, Skel.Conf());
        Assert.Equal(0, o.Exit);
        Assert.Equal("", o.Stdout);
        Assert.Contains(Skel.About, o.Stderr);
        Assert.Contains("CNI protocol versions supported: 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0", o.Stderr);
        Assert.Empty(_plugin.Calls);
    }

    [Theory] // C4: unknown and lower-case verbs
    [InlineData("FOO")]
    [InlineData("add")]
    [InlineData("version")]
    public void Unknown_command_is_code_4(string command)
    {
        var o = Skel.Run(_plugin, new() { ["CNI_COMMAND"] = command }, Skel.Conf());
        Assert.Equal(4u, o.Error.Code);
        Assert.Equal($"unknown CNI_COMMAND: {command}", o.Error.Msg);
    }

    [Theory] // C5, C6, C9: each missing variable is named
    [InlineData("ADD", "CNI_CONTAINERID")]
    [InlineData("ADD", "CNI_NETNS")]
    [InlineData("ADD", "CNI_IFNAME")]
    [InlineData("ADD", "CNI_PATH")]
    [InlineData("CHECK", "CNI_NETNS")]
    [InlineData("CHECK", "CNI_CONTAINERID")]
    [InlineData("DEL", "CNI_CONTAINERID")]
    [InlineData("DEL", "CNI_IFNAME")]
    [InlineData("DEL", "CNI_PATH")]
    [InlineData("GC", "CNI_PATH")]
    [InlineData("STATUS", "CNI_PATH")]
    public void Missing_variable_is_code_4_and_named(string command, string variable)
    {
        var env = Skel.Env(command);
        env.Remove(variable);
        var o = Skel.Run(_plugin, env, Skel.Conf());
        Assert.Equal(4u, o.Error.Code);
        Assert.Equal($"required env variables [{variable}] missing", o.Error.Msg);
        Assert.Empty(_plugin.Calls);
    }

    [Fact] // C7: set but empty counts as missing
    public void Empty_variable_counts_as_missing()
    {
        var env = Skel.Env("ADD");
        env["CNI_NETNS"] = "";
        var o = Skel.Run(_plugin, env, Skel.Conf());
        Assert.Equal(4u, o.Error.Code);
        Assert.Contains("CNI_NETNS", o.Error.Msg);
    }

    [Fact] // C8: one error names all of them, in table order
    public void Several_missing_variables_are_named_in_one_error()
    {
        var env = Skel.Env("ADD");
        env.Remove("CNI_NETNS");
        env.Remove("CNI_IFNAME");
        env.Remove("CNI_PATH");
        var o = Skel.Run(_plugin, env, Skel.Conf());
        Assert.Equal(4u, o.Error.Code);
        Assert.Equal("required env variables [CNI_NETNS,CNI_IFNAME,CNI_PATH] missing", o.Error.Msg);
    }

    [Fact] // C10: DEL does not need CNI_NETNS
    public void Del_without_netns_is_ok()
    {
        var env = Skel.Env("DEL");
        env.Remove("CNI_NETNS");
        var o = Skel.Run(_plugin, env, Skel.Conf());
        Assert.Equal(0, o.Exit);
        Assert.Equal("", o.Stdout);
        Assert.Equal(["DEL"], _plugin.Calls);
        Assert.Equal("", _plugin.Last!.Netns);
    }

    [Theory] // C11
    [InlineData("eth0123456789abc")] // 16 characters
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("a\tb")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("ééééééééé")] // 9 characters but 18 bytes
    public void Bad_ifname_is_code_4(string ifname)
    {
        var env = Skel.Env("ADD");
        env["CNI_IFNAME"] = ifname;
        var o = Skel.Run(_plugin, env, Skel.Conf());
        Assert.Equal(4u, o.Error.Code);
        Assert.Contains("CNI_IFNAME", o.Error.Msg);
        Assert.Empty(_plugin.Calls);
    }

    [Theory]
    [InlineData("e")]
    [InlineData("eth0123456789ab")] // exactly 15
    [InlineData("net1.100")]
    public void Good_ifname_passes(string ifname)
    {
        var env = Skel.Env("ADD");
        env["CNI_IFNAME"] = ifname;
        Assert.Equal(0, Skel.Run(_plugin, env, Skel.Conf()).Exit);
        Assert.Equal(ifname, _plugin.Last!.IfName);
    }

    [Theory] // C12
    [InlineData("-bad/id")]
    [InlineData("_x")]
    [InlineData("a b")]
    [InlineData("abc\n")]
    public void Bad_container_id_is_code_4(string id)
    {
        foreach (var verb in new[] { "ADD", "DEL", "CHECK" })
        {
            var env = Skel.Env(verb);
            env["CNI_CONTAINERID"] = id;
            var o = Skel.Run(_plugin, env, Skel.Conf());
            Assert.Equal(4u, o.Error.Code);
            Assert.Contains("CNI_CONTAINERID", o.Error.Msg);
        }
    }

    [Theory] // C13: GC and STATUS need only CNI_COMMAND and CNI_PATH; odd values of the others are ignored
    [InlineData("GC")]
    [InlineData("STATUS")]
    public void Gc_and_status_need_only_command_and_path(string verb)
    {
        var o = Skel.Run(_plugin, new() { ["CNI_COMMAND"] = verb, ["CNI_PATH"] = "/opt/cni/bin" }, Skel.Conf());
        Assert.Equal(0, o.Exit);
        Assert.Equal("", o.Stdout);
        Assert.Equal([verb], _plugin.Calls);

        var junk = new Dictionary<string, string?> { ["CNI_COMMAND"] = verb, ["CNI_PATH"] = "/x", ["CNI_CONTAINERID"] = "-bad/id", ["CNI_IFNAME"] = "a/b" };
        Assert.Equal(0, Skel.Run(_plugin, junk, Skel.Conf()).Exit);
    }

    [Theory] // interface defaults: a plugin without GC/STATUS answers success, as skel does
    [InlineData("GC")]
    [InlineData("STATUS")]
    public void Default_gc_and_status_succeed(string verb)
    {
        var o = Skel.Run(new MinimalPlugin(), new() { ["CNI_COMMAND"] = verb, ["CNI_PATH"] = "/x" }, Skel.Conf());
        Assert.Equal(0, o.Exit);
        Assert.Equal("", o.Stdout);
    }

    [Fact] // C14: ADD prints exactly one result document; CHECK prints nothing
    public void Success_prints_one_document_or_nothing()
    {
        var add = Skel.Run(_plugin, Skel.Env("ADD"), Skel.Conf());
        Assert.Equal(0, add.Exit);
        Assert.Equal("1.1.0", add.JsonSingle().GetProperty("cniVersion").GetString());
        Assert.False(add.JsonSingle().TryGetProperty("code", out _));

        var check = Skel.Run(_plugin, Skel.Env("CHECK"), Skel.Conf());
        Assert.Equal(0, check.Exit);
        Assert.Equal("", check.Stdout);
    }

    [Fact]
    public void CmdArgs_carry_the_environment()
    {
        var env = Skel.Env("ADD");
        env["CNI_ARGS"] = "IgnoreUnknown=1;K8S_POD_NAME=p";
        env["CNI_PATH"] = "/a::/b";
        env["EXTRA"] = "kept";
        var stdin = Skel.Conf();
        Assert.Equal(0, Skel.Run(_plugin, env, stdin).Exit);
        var a = _plugin.Last!;
        Assert.Equal(("ADD", "cid-1", "/var/run/netns/test", "eth0"), (a.Command, a.ContainerId, a.Netns, a.IfName));
        Assert.Equal("IgnoreUnknown=1;K8S_POD_NAME=p", a.Args);
        Assert.Equal(["/a", "/b"], a.Path);
        Assert.Equal(stdin, System.Text.Encoding.UTF8.GetString(a.StdinData));
        Assert.Equal("kept", a.Environment["EXTRA"]);
        Assert.Equal("net1", a.Config.Name);
    }

    [Fact]
    public void Cni_args_default_to_empty()
    {
        Assert.Equal(0, Skel.Run(_plugin, Skel.Env("ADD"), Skel.Conf()).Exit);
        Assert.Equal("", _plugin.Last!.Args);
    }

    [Fact] // env is checked before stdin: a missing variable wins over bad JSON
    public void Environment_error_wins_over_bad_stdin()
    {
        var env = Skel.Env("ADD");
        env.Remove("CNI_IFNAME");
        Assert.Equal(4u, Skel.Run(_plugin, env, "{bad").Error.Code);
    }

    [Fact] // stdin read failure is code 5
    public void Stdin_read_failure_is_code_5()
    {
        var o = Skel.Run(_plugin, Skel.Env("ADD"), new FailingStream());
        Assert.Equal(5u, o.Error.Code);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("boom");
        public override int Read(Span<byte> buffer) => throw new IOException("boom");
        public override void CopyTo(Stream destination, int bufferSize) => throw new IOException("boom");
    }

    [Fact] // the JSON of an error holds code, msg, details and nothing else
    public void Error_object_shape()
    {
        var o = Skel.Run(_plugin, Skel.Env("ADD"), Skel.Conf("9.9.9"));
        var e = o.JsonSingle();
        Assert.Equal(["code", "msg", "details"], e.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Number, e.GetProperty("code").ValueKind);
    }

    [Theory] // own netns: code 8 for ADD and DEL, checked before the handler so nothing is created
    [InlineData("ADD")]
    [InlineData("DEL")]
    public void Own_netns_is_code_8(string verb)
    {
        var env = Skel.Env(verb);
        env["CNI_NETNS"] = "/proc/self/ns/net";
        var o = Skel.Run(_plugin, env, Skel.Conf());
        Assert.Equal(8u, o.Error.Code);
        Assert.Empty(_plugin.Calls);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("TRUE")]
    public void Own_netns_override_skips_the_check(string value)
    {
        var env = Skel.Env("ADD");
        env["CNI_NETNS"] = "/proc/self/ns/net";
        env["CNI_NETNS_OVERRIDE"] = value;
        Assert.Equal(0, Skel.Run(_plugin, env, Skel.Conf()).Exit);
        Assert.Equal(["ADD"], _plugin.Calls);
    }

    [Fact] // CHECK is not subject to it, and a netns that cannot be opened is the handler's business
    public void Own_netns_check_only_for_add_and_del()
    {
        var env = Skel.Env("CHECK");
        env["CNI_NETNS"] = "/proc/self/ns/net";
        Assert.Equal(0, Skel.Run(_plugin, env, Skel.Conf()).Exit);
        var del = Skel.Env("DEL");
        del["CNI_NETNS"] = "/nonexistent/netns";
        Assert.Equal(0, Skel.Run(_plugin, del, Skel.Conf()).Exit);
        var file = Skel.Env("ADD");
        file["CNI_NETNS"] = "/etc/hostname"; // exists, but is not a namespace
        Assert.Equal(0, Skel.Run(_plugin, file, Skel.Conf()).Exit);
    }
}
