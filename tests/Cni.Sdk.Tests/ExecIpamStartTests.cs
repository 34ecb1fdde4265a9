using System.Text;

namespace Cni.Sdk.Tests;

/// <summary>
/// The start/finish pair of <see cref="ExecIpam"/> against shell-script delegates in a temp dir: starting returns
/// while the delegate still runs, finishing gives exactly what the synchronous call gives (result or error).
/// </summary>
public sealed class ExecIpamStartTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cni-sdk-ipam-start-");
    private readonly StringWriter _stderr = new();

    public void Dispose() => _dir.Delete(recursive: true);

    private string Gate => Path.Combine(_dir.FullName, "go");

    private void Script(string name, string body)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private CmdArgs Args(string ipamType, string padding = "")
    {
        var stdin = Encoding.UTF8.GetBytes($$$"""{"cniVersion":"1.1.0","name":"net1","type":"bridge","ipam":{"type":"{{{ipamType}}}"},"pad":"{{{padding}}}"}""");
        return new CmdArgs
        {
            Command = "ADD",
            ContainerId = "cid-9",
            Path = [_dir.FullName],
            StdinData = stdin,
            Config = NetConf.Parse(stdin),
            Environment = new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" },
        };
    }

    /// <summary>A delegate that waits (up to 10 s) for the gate file before answering.</summary>
    private void GatedIpam()
        => Script("gated", $"cat >/dev/null\ni=0\nwhile [ ! -e {Gate} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n"
                           + $"[ -e {Gate} ] || exit 9\n"
                           + "printf '{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.9.0.5/24\"}]}'");

    [Fact]
    public void StartAdd_returns_while_the_delegate_runs_and_Finish_returns_its_result()
    {
        GatedIpam();
        using var call = new ExecIpam(_stderr).StartAdd(Args("gated"));
        File.WriteAllText(Gate, ""); // only now may the delegate answer: StartAdd did not wait for it
        var r = call.Finish();
        Assert.Equal("10.9.0.5/24", r.Ips[0].Address.ToString());
        Assert.Same(r, call.Finish()); // finishing again gives the same outcome, without a second wait
        Assert.True(call.Succeeded());
    }

    [Fact]
    public void A_failing_delegate_gives_the_same_error_from_Finish_as_from_the_synchronous_call()
    {
        Script("busy", "cat >/dev/null\necho oops >&2\nprintf '{\"code\":11,\"msg\":\"store locked\",\"details\":\"later\"}'\nexit 1");
        var ipam = new ExecIpam(_stderr);
        var sync = Assert.Throws<CniException>(() => ipam.Del(Args("busy")));
        using var call = ipam.StartDel(Args("busy"));
        Assert.False(call.Succeeded());
        var started = Assert.Throws<CniException>(() => call.Finish());
        Assert.Equal((sync.Code, sync.Message, sync.Details), (started.Code, started.Message, started.Details));
        Assert.Equal(CniErrorCode.TryAgainLater, started.Code);
        Assert.Equal("busy: store locked", started.Message);
        Assert.Contains("oops", _stderr.ToString());
    }

    [Fact]
    public void A_missing_delegate_is_a_failed_call_not_an_exception_from_Start()
    {
        using var call = new ExecIpam(_stderr).StartAdd(Args("no-such-ipam"));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, Assert.Throws<CniException>(() => call.Finish()).Code);
        Assert.False(call.Succeeded());
    }

    [Fact]
    public void A_config_larger_than_the_pipe_buffer_is_delivered_whole()
    {
        Script("echo-ipam", $"cat > {Path.Combine(_dir.FullName, "stdin")}\nprintf '{{\"cniVersion\":\"1.1.0\",\"ips\":[{{\"address\":\"10.9.0.6/24\"}}]}}'");
        var a = Args("echo-ipam", new string('x', 300_000));
        using var call = new ExecIpam(_stderr).StartAdd(a);
        Assert.Equal("10.9.0.6/24", call.Finish().Ips[0].Address.ToString());
        Assert.Equal(a.StdinData, File.ReadAllBytes(Path.Combine(_dir.FullName, "stdin")));
    }

    [Fact]
    public void Disposing_an_unfinished_call_waits_for_the_delegate()
    {
        Script("slow", $"cat >/dev/null\nsleep 0.2\ntouch {Path.Combine(_dir.FullName, "done")}");
        var call = new ExecIpam(_stderr).StartDel(Args("slow"));
        call.Dispose();
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "done")));
    }

    [Fact]
    public void An_invoker_without_its_own_start_runs_the_synchronous_call()
    {
        IIpamInvoker fake = new FakeIpam();
        var add = fake.StartAdd(Args("x"));
        Assert.Equal("10.9.0.7/24", add.Finish().Ips[0].Address.ToString());
        var del = fake.StartDel(Args("x"));
        Assert.Equal(CniErrorCode.Internal, Assert.Throws<CniException>(() => del.Finish()).Code);
        Assert.Equal(["Add", "Del"], ((FakeIpam)fake).Calls);
    }

    private sealed class FakeIpam : IIpamInvoker
    {
        public List<string> Calls { get; } = [];

        public Result Add(CmdArgs a)
        {
            Calls.Add("Add");
            return ResultJson.Decode("""{"cniVersion":"1.1.0","ips":[{"address":"10.9.0.7/24"}]}"""u8.ToArray(), "1.1.0");
        }

        public void Del(CmdArgs a)
        {
            Calls.Add("Del");
            throw new CniException(CniErrorCode.Internal, "fake DEL failed");
        }

        public void Check(CmdArgs a) { }
        public void Gc(CmdArgs a) { }
        public void Status(CmdArgs a) { }
    }
}
