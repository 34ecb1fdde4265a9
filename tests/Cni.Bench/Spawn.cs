using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Cni.Bench.Interop;

namespace Cni.Bench;

/// <summary>One finished plugin invocation: what it printed, how long it ran, its peak RSS.</summary>
internal readonly record struct Sample(int ExitCode, string Stdout, string Stderr, double WallMs, long MaxRssKb);

/// <summary>
/// Runs one plugin invocation the way a runtime does (clean environment, config on stdin, result on stdout)
/// through the native spawner (Spawner/Program.cs), which forks/execs the plugin, reaps it with wait4 and
/// reports wall time (fork to reap) and ru_maxrss on fd 3. The harness itself is started here with
/// posix_spawn because it needs that fourth pipe.
/// </summary>
internal sealed unsafe class Spawn(string spawnerPath)
{
    public string SpawnerPath { get; } = spawnerPath;

    /// <summary>
    /// Runs <paramref name="binary"/> once. With <paramref name="hostNetns"/> (a namespace path) the spawner joins
    /// that network namespace first, untimed, so the plugin's "host" is a throwaway namespace.
    /// </summary>
    public Sample Run(string binary, IReadOnlyDictionary<string, string> env, string stdin, string? hostNetns = null)
    {
        // [read, write] pairs; O_CLOEXEC so only the dup2'ed copies (0-3) survive into the spawner.
        int* pin = stackalloc int[2], pout = stackalloc int[2], perr = stackalloc int[2], prep = stackalloc int[2];
        foreach (var p in new[] { (nint)pin, (nint)pout, (nint)perr, (nint)prep })
        {
            if (LibC.pipe2((int*)p, LibC.O_CLOEXEC) != 0)
            {
                throw new InvalidOperationException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }

        var argv = NativeStrings(hostNetns is null ? [SpawnerPath, binary] : [SpawnerPath, "--netns", hostNetns, binary]);
        var envp = NativeStrings([.. env.Select(kv => kv.Key + "=" + kv.Value)]);
        var actions = NativeMemory.AllocZeroed(LibC.FileActionsSize);
        int pid;
        try
        {
            LibC.posix_spawn_file_actions_init(actions);
            LibC.posix_spawn_file_actions_adddup2(actions, pin[0], 0);
            LibC.posix_spawn_file_actions_adddup2(actions, pout[1], 1);
            LibC.posix_spawn_file_actions_adddup2(actions, perr[1], 2);
            LibC.posix_spawn_file_actions_adddup2(actions, prep[1], 3);
            var err = LibC.posix_spawn(&pid, argv[0], actions, null, argv, envp);
            if (err != 0)
            {
                throw new InvalidOperationException($"posix_spawn {SpawnerPath} failed: errno {err}");
            }
        }
        finally
        {
            LibC.posix_spawn_file_actions_destroy(actions);
            NativeMemory.Free(actions);
            FreeNativeStrings(argv);
            FreeNativeStrings(envp);
            LibC.close(pin[0]);
            LibC.close(pout[1]);
            LibC.close(perr[1]);
            LibC.close(prep[1]);
        }

        WriteAll(pin[1], Encoding.UTF8.GetBytes(stdin));
        LibC.close(pin[1]);
        var (stdout, stderr, report) = ReadAll(pout[0], perr[0], prep[0]);

        int status;
        while (LibC.waitpid(pid, &status, 0) < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
        {
        }
        if (status != 0)
        {
            throw new InvalidOperationException($"spawner failed for {binary} (wait status {status}): {stderr}");
        }

        // "<exit> <maxrss KiB> <wall ns>"
        var f = report.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (f.Length != 3)
        {
            throw new InvalidOperationException($"spawner report for {binary} is malformed: '{report}'");
        }
        return new Sample(
            int.Parse(f[0], CultureInfo.InvariantCulture), stdout, stderr,
            long.Parse(f[2], CultureInfo.InvariantCulture) / 1e6, long.Parse(f[1], CultureInfo.InvariantCulture));
    }

    private static void WriteAll(int fd, byte[] data)
    {
        fixed (byte* p = data)
        {
            for (nint done = 0; done < data.Length;)
            {
                var n = LibC.write(fd, p + done, data.Length - done);
                if (n < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
                {
                    continue;
                }
                if (n <= 0)
                {
                    return; // the plugin closed stdin early; what it read is what it got
                }
                done += n;
            }
        }
    }

    /// <summary>Drains stdout, stderr and the report pipe together (poll), so no pipe can fill and stall the child.</summary>
    private static (string Stdout, string Stderr, string Report) ReadAll(params int[] fds)
    {
        var buffers = fds.Select(_ => new MemoryStream()).ToArray();
        var open = fds.Length;
        var pfds = stackalloc LibC.pollfd[fds.Length];
        var chunk = stackalloc byte[4096];
        for (var i = 0; i < fds.Length; i++)
        {
            pfds[i] = new LibC.pollfd { fd = fds[i], events = LibC.POLLIN };
        }
        while (open > 0)
        {
            if (LibC.poll(pfds, (nuint)fds.Length, -1) < 0)
            {
                if (Marshal.GetLastPInvokeError() == LibC.EINTR)
                {
                    continue;
                }
                throw new InvalidOperationException($"poll failed: errno {Marshal.GetLastPInvokeError()}");
            }
            for (var i = 0; i < fds.Length; i++)
            {
                if (pfds[i].fd < 0 || pfds[i].revents == 0)
                {
                    continue;
                }
                var n = LibC.read(pfds[i].fd, chunk, 4096);
                if (n > 0)
                {
                    buffers[i].Write(new ReadOnlySpan<byte>(chunk, (int)n));
                }
                else if (n == 0 || Marshal.GetLastPInvokeError() != LibC.EINTR)
                {
                    LibC.close(pfds[i].fd);
                    pfds[i].fd = -1; // poll ignores negative fds
                    open--;
                }
            }
        }
        var text = buffers.Select(b => Encoding.UTF8.GetString(b.ToArray())).ToArray();
        return (text[0], text[1], text[2]);
    }

    private static byte** NativeStrings(string[] values)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Length + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < values.Length; i++)
        {
            array[i] = (byte*)Marshal.StringToCoTaskMemUTF8(values[i]);
        }
        return array;
    }

    private static void FreeNativeStrings(byte** array)
    {
        for (var p = array; *p != null; p++)
        {
            Marshal.FreeCoTaskMem((nint)(*p));
        }
        NativeMemory.Free(array);
    }
}
