using System.Text;
using Cni.Linux.Exec;

namespace Cni.Linux.Tests.Exec;

/// <summary>ChildProcess.Start / PendingChild.Wait with /bin/sh children: stdin, outputs, exit status, reaping.</summary>
public sealed class ChildProcessTests : IDisposable
{
    private static readonly KeyValuePair<string, string>[] Env = [new("PATH", "/usr/bin:/bin")];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cni-child-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>The script goes in a file (ChildProcess passes no arguments; a CNI plugin gets none), kept
    /// until the test ends: the shell opens it by path after the exec.</summary>
    private PendingChild Sh(string script, byte[] stdin)
    {
        var path = Path.Combine(_dir.FullName, $"s{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return ChildProcess.Start(path, Env, stdin);
    }

    [Fact]
    public void Start_returns_before_the_child_exits_and_Wait_collects_everything()
    {
        var gate = Path.Combine(_dir.FullName, "go");
        using var child = Sh($"cat\necho err >&2\nwhile [ ! -e {gate} ]; do sleep 0.02; done\nexit 3", "hello"u8.ToArray());
        File.WriteAllText(gate, ""); // the child can only exit after this: Start did not wait for it
        var r = child.Wait();
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("hello", Encoding.UTF8.GetString(r.Stdout));
        Assert.Equal("err\n", Encoding.UTF8.GetString(r.Stderr));
        Assert.Same(r, child.Wait());
    }

    [Fact]
    public void Stdin_larger_than_the_pipe_is_written_while_output_is_drained()
    {
        var big = Encoding.ASCII.GetBytes(new string('y', 1 << 20));
        using var child = Sh("cat", big); // echoes while we write: neither side may block the other
        var r = child.Wait();
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(big, r.Stdout);
    }

    [Fact]
    public void A_child_that_reads_no_stdin_is_fine()
    {
        using var child = Sh("exit 0", new byte[200_000]);
        Assert.Equal(0, child.Wait().ExitCode);
    }

    [Fact]
    public void Dispose_without_Wait_reaps_the_child()
    {
        int pid;
        using (var child = Sh("sleep 0.1", []))
            pid = child.Pid;
        Assert.False(Directory.Exists($"/proc/{pid}"), "no zombie may remain");
    }

    [Fact]
    public void A_missing_program_throws_with_its_errno()
    {
        var e = Assert.Throws<ChildProcess.SpawnException>(() => ChildProcess.Start("/nonexistent/ipam", Env, []));
        Assert.Equal(2, e.ErrorNumber); // ENOENT
    }
}
