using System.Text;

namespace Cni.Sdk.Tests;

/// <summary>ExecIpam against a tiny shell-script "IPAM plugin" in a temp dir (removed afterwards).</summary>
public sealed class ExecIpamTests : IDisposable
{
    private const string Script = """
        #!/bin/sh
        dir=$(dirname "$0")
        cat > "$dir/stdin.$CNI_COMMAND"
        echo "$CNI_COMMAND|$CNI_CONTAINERID|$EXTRA_VAR" > "$dir/env.$CNI_COMMAND"
        echo "log line from ipam" >&2
        case "$CNI_COMMAND" in
        ADD) printf '{"cniVersion":"1.1.0","ips":[{"address":"10.1.0.7/24","gateway":"10.1.0.1"}],"routes":[{"dst":"0.0.0.0/0"}]}\n' ;;
        DEL) exit 0 ;;
        CHECK) printf '{"code":11,"msg":"store locked","details":"try later"}\n'; exit 1 ;;
        GC) echo "plain text failure" >&2; exit 3 ;;
        STATUS) printf '{"code":50,"msg":"pool exhausted"}'; exit 1 ;;
        esac
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cni-sdk-ipam-");
    private readonly StringWriter _stderr = new();

    public ExecIpamTests()
    {
        var path = Path.Combine(_dir.FullName, "fake-ipam");
        File.WriteAllText(path, Script.Replace("\r\n", "\n") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private CmdArgs Args(string version = "1.1.0", string ipamType = "fake-ipam", string[]? path = null)
    {
        var stdin = Encoding.UTF8.GetBytes($$$"""{"cniVersion":"{{{version}}}","name":"net1","type":"bridge","ipam":{"type":"{{{ipamType}}}","subnet":"10.1.0.0/24"}}""");
        return new CmdArgs
        {
            Command = "ADD",
            ContainerId = "cid-7",
            Path = path ?? ["/nonexistent", _dir.FullName],
            StdinData = stdin,
            Config = NetConf.Parse(stdin),
            Environment = new Dictionary<string, string>
            {
                ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
                ["CNI_COMMAND"] = "ORIGINAL",
                ["CNI_CONTAINERID"] = "cid-7",
                ["EXTRA_VAR"] = "passed-through",
            },
        };
    }

    private string Written(string name) => File.ReadAllText(Path.Combine(_dir.FullName, name));

    [Fact]
    public void Add_returns_the_delegate_result_and_passes_stdin_and_env()
    {
        var a = Args();
        var r = new ExecIpam(_stderr).Add(a);
        Assert.Equal("10.1.0.7/24", r.Ips[0].Address.ToString());
        Assert.Equal("10.1.0.1", r.Ips[0].Gateway!.ToString());
        Assert.Null(r.Ips[0].Interface);
        Assert.Empty(r.Interfaces);
        Assert.Single(r.Routes);
        Assert.Equal(a.StdinData, File.ReadAllBytes(Path.Combine(_dir.FullName, "stdin.ADD")));
        Assert.Equal("ADD|cid-7|passed-through\n", Written("env.ADD"));
        Assert.Contains("log line from ipam", _stderr.ToString());
    }

    [Fact]
    public void Del_succeeds_with_the_verb_replaced()
    {
        new ExecIpam(_stderr).Del(Args());
        Assert.Equal("DEL|cid-7|passed-through\n", Written("env.DEL"));
    }

    [Fact] // the delegate's code, msg (prefixed with its type) and details pass through
    public void Delegate_error_passes_through_with_its_code()
    {
        var e = Assert.Throws<CniException>(() => new ExecIpam(_stderr).Check(Args()));
        Assert.Equal((CniErrorCode.TryAgainLater, "fake-ipam: store locked", "try later"), (e.Code, e.Message, e.Details));
        e = Assert.Throws<CniException>(() => new ExecIpam(_stderr).Status(Args()));
        Assert.Equal((CniErrorCode.NotReady, "fake-ipam: pool exhausted", (string?)null), (e.Code, e.Message, e.Details));
    }

    [Fact] // no error object on stdout: 999 with the exit status, and stderr as details (as libcni does)
    public void Failure_without_error_object_uses_stderr()
    {
        var e = Assert.Throws<CniException>(() => new ExecIpam(_stderr).Gc(Args()));
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Equal("fake-ipam: exited with status 3", e.Message);
        Assert.Contains("plain text failure", e.Details);
    }

    [Fact] // missing binary: code 7 naming the type and the path searched
    public void Missing_binary_is_code_7()
    {
        var e = Assert.Throws<CniException>(() => new ExecIpam(_stderr).Add(Args(ipamType: "no-such-ipam")));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains("no-such-ipam", e.Message);
        Assert.Contains(_dir.FullName, e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../fake-ipam")]
    public void Bad_type_is_code_7(string type)
        => Assert.Equal(CniErrorCode.InvalidNetworkConfig, Assert.Throws<CniException>(() => new ExecIpam(_stderr).Del(Args(ipamType: type))).Code);

    [Fact] // the delegate answered in another result family than the config: 6, prefixed with its type
    public void Result_in_wrong_family_is_code_6()
    {
        var e = Assert.Throws<CniException>(() => new ExecIpam(_stderr).Add(Args(version: "0.4.0")));
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
        Assert.StartsWith("fake-ipam: result type supports", e.Message);
    }

    [Fact] // through the dispatcher: a plugin using ExecIpam reports the delegate's code on stdout
    public void Delegate_error_reaches_stdout_through_the_skel()
    {
        var plugin = new DelegatingPlugin(new ExecIpam(_stderr));
        var env = Skel.Env("CHECK");
        env["CNI_PATH"] = _dir.FullName;
        env["PATH"] = Environment.GetEnvironmentVariable("PATH");
        var o = Skel.Run(plugin, env, """{"cniVersion":"1.1.0","name":"net1","type":"x","ipam":{"type":"fake-ipam"}}""");
        Assert.Equal((11u, "fake-ipam: store locked", "try later"), o.Error);

        env["CNI_COMMAND"] = "ADD";
        var add = Skel.Run(plugin, env, """{"cniVersion":"0.4.0","name":"net1","type":"x","ipam":{"type":"fake-ipam"}}""");
        Assert.Equal(6u, add.Error.Code); // the script answers 1.1.0 to a 0.4.0 config
    }

    private sealed class DelegatingPlugin(IIpamInvoker ipam) : ICniPlugin
    {
        public Result Add(CmdArgs args) => ipam.Add(args);
        public void Del(CmdArgs args) => ipam.Del(args);
        public void Check(CmdArgs args) => ipam.Check(args);
    }
}
