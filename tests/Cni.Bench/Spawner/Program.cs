using System.Runtime.InteropServices;
using System.Text;
using Cni.Bench.Interop;

// cni-bench-spawn [--netns PATH] BINARY [ARGS...]
//
// With --netns, first joins the network namespace at PATH (untimed), so the plugin runs with that namespace as
// its "host" - both sides of a row get the same treatment, and the cost of `ip netns exec` (another process,
// a mount namespace) stays out of every sample. Then runs BINARY once with this process's stdin, stdout, stderr and environment, and writes
// "<exit code> <peak RSS KiB> <wall ns>" to fd 3.
//
// Why a separate, tiny native process: the kernel records the old address space's peak RSS into the
// child's ru_maxrss when the child execs. A child forked (or vfork'ed by posix_spawn) straight from the
// JIT-ed harness would therefore report the harness's ~50+ MB, not the plugin's. Forked from this small
// NativeAOT process, the inherited floor is only the few hundred KiB of anonymous memory copied by fork
// (the harness measures and prints that floor by timing /bin/true the same way).
unsafe
{
    if (args.Length >= 2 && args[0] == "--netns")
    {
        var fd = LibC.open(args[1], LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0 || LibC.setns(fd, LibC.CLONE_NEWNET) != 0)
        {
            return 6;
        }
        LibC.close(fd);
        args = args[2..];
    }
    if (args.Length < 1)
    {
        return 2;
    }

    // Everything the child needs is in native memory before fork: between fork and exec the child only
    // calls execv and _exit.
    var argv = (byte**)NativeMemory.AllocZeroed((nuint)(args.Length + 1), (nuint)sizeof(byte*));
    for (var i = 0; i < args.Length; i++)
    {
        argv[i] = (byte*)Marshal.StringToCoTaskMemUTF8(args[i]);
    }

    var start = LibC.MonotonicNs();
    var pid = LibC.fork();
    if (pid == 0)
    {
        LibC.close(3); // the report pipe is ours; the plugin (and anything it runs) must not hold it open
        LibC.execv(argv[0], argv);
        LibC._exit(127);
    }
    if (pid < 0)
    {
        return 3;
    }

    int status;
    LibC.rusage usage;
    int r;
    do
    {
        r = LibC.wait4(pid, &status, 0, &usage);
    }
    while (r < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);
    var elapsed = LibC.MonotonicNs() - start;
    if (r < 0)
    {
        return 4;
    }

    // Exit code as a shell reports it: the code, or 128 + signal number.
    var exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
    var report = Encoding.ASCII.GetBytes($"{exit} {usage.ru_maxrss} {elapsed}\n");
    fixed (byte* p = report)
    {
        if (LibC.write(3, p, report.Length) != report.Length)
        {
            return 5;
        }
    }
    return 0;
}
