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

    /// <summary>Runs the program to completion: <see cref="Start"/> then <see cref="PendingChild.Wait"/>.</summary>
    public static ChildOutput Run(string path, IEnumerable<KeyValuePair<string, string>> environment, ReadOnlySpan<byte> stdin)
    {
        using var child = Start(path, environment, stdin);
        return child.Wait();
    }

    /// <summary>
    /// Spawns the program and writes as much of <paramref name="stdin"/> as the pipe takes without blocking (all
    /// of a CNI config, which is far below the 64 KiB pipe buffer), then returns at once, so the caller can do
    /// other work while the child runs. <see cref="PendingChild.Wait"/> writes any rest, collects the output
    /// and reaps the child; disposing without waiting still waits (no zombie, no leaked descriptor).
    /// </summary>
    public static PendingChild Start(string path, IEnumerable<KeyValuePair<string, string>> environment, ReadOnlySpan<byte> stdin)
    {
        // [read, write] pairs, close-on-exec: only the dup2'ed copies 0-2 survive into the child.
        int* pin = stackalloc int[2], pout = stackalloc int[2], perr = stackalloc int[2];
        Pipe(pin);
        Pipe(pout);
        Pipe(perr);
        // Our end of stdin is non-blocking so neither Start nor the poll loop can stall on a child that stops reading.
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
        return new PendingChild(pid, pin[1], stdin, pout[0], perr[0]);
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
