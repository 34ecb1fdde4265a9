using System.Runtime.InteropServices;
using System.Text;
using Cni.Linux.Interop;

namespace Cni.Linux.Exec;

/// <summary>What a finished child printed and how it ended (exit code, or 128 + signal like a shell).</summary>
public sealed record ChildOutput(int ExitCode, byte[] Stdout, byte[] Stderr);

/// <summary>
/// Runs a program to completion with the given environment, stdin bytes, and stdout/stderr captured - the way a
/// plugin runs its IPAM delegate. Why not System.Diagnostics.Process: it starts a SIGCHLD handling thread, thread
/// pool workers for the async pipe reads and loads its own machinery, several milliseconds per call in a
/// process that lives for ten. Here it is one posix_spawn (vfork-style, from the calling thread, so the child
/// starts in that thread's network namespace) and one poll loop on the calling thread.
/// </summary>
public static unsafe class ChildProcess
{
    /// <summary>Thrown when the program cannot be started at all (missing, not executable); carries the errno.</summary>
    public sealed class SpawnException(string path, int errno)
        : Exception($"cannot execute {path}: {Interop.Errno.Describe(errno)}")
    {
        public int ErrorNumber { get; } = errno;
    }

    public static ChildOutput Run(string path, IEnumerable<KeyValuePair<string, string>> environment, ReadOnlySpan<byte> stdin)
    {
        // [read, write] pairs, close-on-exec: only the dup2'ed copies 0-2 survive into the child.
        int* pin = stackalloc int[2], pout = stackalloc int[2], perr = stackalloc int[2];
        Pipe(pin);
        Pipe(pout);
        Pipe(perr);
        // Our end of stdin is non-blocking so the poll loop can never stall on a child that stops reading.
        LibC.fcntl(pin[1], LibC.F_SETFL, LibC.fcntl(pin[1], LibC.F_GETFL, 0) | LibC.O_NONBLOCK);

        var argv = NativeStrings([path]);
        var envp = NativeStrings([.. environment.Select(kv => kv.Key + "=" + kv.Value)]);
        var actions = NativeMemory.AllocZeroed(LibC.SpawnFileActionsSize);
        var attr = NativeMemory.AllocZeroed(LibC.SpawnAttrSize);
        var sigs = NativeMemory.AllocZeroed(LibC.SigsetSize);
        int pid, err;
        try
        {
            LibC.posix_spawn_file_actions_init(actions);
            LibC.posix_spawn_file_actions_adddup2(actions, pin[0], 0);
            LibC.posix_spawn_file_actions_adddup2(actions, pout[1], 1);
            LibC.posix_spawn_file_actions_adddup2(actions, perr[1], 2);
            // The .NET runtime ignores SIGPIPE and ignored signals survive exec: give the child the default
            // back, and an empty signal mask, as a fresh process expects.
            LibC.posix_spawnattr_init(attr);
            LibC.sigemptyset(sigs);
            LibC.posix_spawnattr_setsigmask(attr, sigs);
            LibC.sigaddset(sigs, LibC.SIGPIPE);
            LibC.posix_spawnattr_setsigdefault(attr, sigs);
            LibC.posix_spawnattr_setflags(attr, (short)(LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF));
            err = LibC.posix_spawn(&pid, argv[0], actions, attr, argv, envp);
        }
        finally
        {
            LibC.posix_spawn_file_actions_destroy(actions);
            LibC.posix_spawnattr_destroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigs);
            FreeNativeStrings(argv);
            FreeNativeStrings(envp);
            LibC.close(pin[0]);
            LibC.close(pout[1]);
            LibC.close(perr[1]);
        }
        if (err != 0)
        {
            LibC.close(pin[1]);
            LibC.close(pout[0]);
            LibC.close(perr[0]);
            throw new SpawnException(path, err);
        }

        var (stdout, stderr) = Pump(pin[1], stdin, pout[0], perr[0]);
        int status = 0;
        while (LibC.waitpid(pid, &status, 0) < 0)
        {
            int e = Marshal.GetLastPInvokeError();
            if (e != Errno.EINTR) Errno.Throw("waitpid", e);
        }
        var exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
        return new ChildOutput(exit, stdout, stderr);
    }

    /// <summary>
    /// Writes stdin while draining stdout and stderr, all in one poll loop, until both outputs reach EOF.
    /// A child that exits (or closes stdin) without reading everything is fine: EPIPE just ends the writing.
    /// </summary>
    private static (byte[] Stdout, byte[] Stderr) Pump(int stdinFd, ReadOnlySpan<byte> stdin, int stdoutFd, int stderrFd)
    {
        var outputs = new[] { new MemoryStream(), new MemoryStream() };
        var pfds = stackalloc LibC.pollfd[3];
        pfds[0] = new LibC.pollfd { fd = stdoutFd, events = LibC.POLLIN };
        pfds[1] = new LibC.pollfd { fd = stderrFd, events = LibC.POLLIN };
        pfds[2] = new LibC.pollfd { fd = stdin.Length > 0 ? stdinFd : -1, events = LibC.POLLOUT };
        if (stdin.Length == 0) LibC.close(stdinFd);
        var buffer = stackalloc byte[16384];
        int written = 0, open = 2;
        fixed (byte* data = stdin)
        {
            while (open > 0)
            {
                if (LibC.poll(pfds, 3, -1) < 0)
                {
                    int e = Marshal.GetLastPInvokeError();
                    if (e == Errno.EINTR) continue;
                    Errno.Throw("poll", e);
                }
                if (pfds[2].fd >= 0 && pfds[2].revents != 0)
                {
                    var n = LibC.write(stdinFd, data + written, stdin.Length - written);
                    if (n > 0) written += (int)n;
                    var e = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                    if (written == stdin.Length || (n < 0 && e != Errno.EINTR && e != Errno.EAGAIN))
                    {
                        LibC.close(stdinFd);
                        pfds[2].fd = -1; // poll ignores negative fds
                    }
                }
                for (int i = 0; i < 2; i++)
                {
                    if (pfds[i].fd < 0 || pfds[i].revents == 0) continue;
                    var n = LibC.read(pfds[i].fd, buffer, 16384);
                    if (n > 0)
                    {
                        outputs[i].Write(new ReadOnlySpan<byte>(buffer, (int)n));
                    }
                    else if (n == 0 || Marshal.GetLastPInvokeError() != Errno.EINTR)
                    {
                        LibC.close(pfds[i].fd);
                        pfds[i].fd = -1;
                        open--;
                    }
                }
            }
        }
        if (pfds[2].fd >= 0) LibC.close(stdinFd);
        return (outputs[0].ToArray(), outputs[1].ToArray());
    }

    private static void Pipe(int* fds) => Errno.Check(LibC.pipe2(fds, LibC.O_CLOEXEC), "pipe2");

    private static byte** NativeStrings(string[] values)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Length + 1), (nuint)sizeof(byte*));
        for (int i = 0; i < values.Length; i++)
        {
            int len = Encoding.UTF8.GetByteCount(values[i]);
            var p = (byte*)NativeMemory.Alloc((nuint)len + 1);
            Encoding.UTF8.GetBytes(values[i], new Span<byte>(p, len));
            p[len] = 0;
            array[i] = p;
        }
        return array;
    }

    private static void FreeNativeStrings(byte** array)
    {
        for (var p = array; *p != null; p++) NativeMemory.Free(*p);
        NativeMemory.Free(array);
    }
}
