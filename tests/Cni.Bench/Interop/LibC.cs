// C spellings on purpose (pollfd, timespec, rusage), so each maps to its man page.
#pragma warning disable CS8981

using System.Runtime.InteropServices;

namespace Cni.Bench.Interop;

/// <summary>
/// The few libc calls the benchmark needs that .NET does not expose: posix_spawn with fd wiring (the harness
/// starts the spawner with an extra report pipe on fd 3), and fork/execv/wait4 (the spawner needs the
/// child's rusage, which System.Diagnostics.Process cannot give). Names and signatures follow the C headers.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc";

    public const int O_CLOEXEC = 0x80000;
    public const int EINTR = 4;
    public const short POLLIN = 0x1;
    public const int CLOCK_MONOTONIC = 1;

    /// <summary>glibc's posix_spawn_file_actions_t is 80 bytes on x86-64; callers give it this much room.</summary>
    public const int FileActionsSize = 128;

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    /// <summary>Returns an error number (not -1/errno), as POSIX specifies.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawn")]
    public static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Lib, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nint count);

    [LibraryImport(Lib, EntryPoint = "close")]
    [SuppressGCTransition] // also called in a forked child (see execv)
    public static partial int close(int fd);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int poll(pollfd* fds, nuint nfds, int timeout);

    [LibraryImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport(Lib, EntryPoint = "wait4", SetLastError = true)]
    public static partial int wait4(int pid, int* status, int options, rusage* usage);

    [LibraryImport(Lib, EntryPoint = "clock_gettime")]
    public static partial int clock_gettime(int clock, timespec* tp);

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial uint geteuid();

    public const int O_RDONLY = 0;
    public const int CLONE_NEWNET = 0x40000000;

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    /// <summary>The spawner joins the row's "host" namespace with this before it forks the plugin.</summary>
    [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
    public static partial int setns(int fd, int nstype);

    [LibraryImport(Lib, EntryPoint = "fork", SetLastError = true)]
    public static partial int fork();

    // The two calls a forked child makes before it becomes the plugin. No GC transition: the child is a
    // copy of one thread of a managed process and must not wait for a runtime that is not there.
    [LibraryImport(Lib, EntryPoint = "execv")]
    [SuppressGCTransition]
    public static partial int execv(byte* path, byte** argv);

    [LibraryImport(Lib, EntryPoint = "_exit")]
    [SuppressGCTransition]
    public static partial void _exit(int status);

    [StructLayout(LayoutKind.Sequential)]
    public struct pollfd
    {
        public int fd;
        public short events;
        public short revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct timespec
    {
        public long tv_sec;
        public long tv_nsec;
    }

    /// <summary>struct rusage (x86-64): two timevals, then 14 longs starting with ru_maxrss (KiB).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct rusage
    {
        public long ru_utime_sec, ru_utime_usec, ru_stime_sec, ru_stime_usec;
        public long ru_maxrss;
        public fixed long rest[13];
    }

    public static long MonotonicNs()
    {
        timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1_000_000_000 + ts.tv_nsec;
    }
}
