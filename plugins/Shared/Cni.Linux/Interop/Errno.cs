using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>
/// The one place a failed syscall becomes an exception. EINTR is retried here and never reaches callers
/// (a signal arriving mid-recv is not an error); anything else throws a <see cref="LinuxException"/> that
/// names the operation.
/// </summary>
internal static class Errno
{
    public const int EPERM = 1, ENOENT = 2, EINTR = 4, EAGAIN = 11, EACCES = 13, EEXIST = 17, ENODEV = 19, EINVAL = 22,
        ENOTTY = 25, ENOBUFS = 105;

    /// <summary>Runs <paramref name="syscall"/> until it does not fail with EINTR; throws on any other failure.</summary>
    public static long Retry(string operation, Func<long> syscall)
    {
        while (true)
        {
            long r = syscall();
            if (r >= 0) return r;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR) continue;
            Throw(operation, errno);
        }
    }

    /// <summary>Throws for a negative <paramref name="result"/> of a call that cannot be interrupted.</summary>
    public static long Check(long result, string operation)
    {
        if (result < 0) Throw(operation, Marshal.GetLastPInvokeError());
        return result;
    }

    [DoesNotReturn]
    public static void Throw(string operation, int errno) => throw new LinuxException(operation, errno);

    /// <summary>"EEXIST (File exists)": the symbolic name people grep for plus libc's text.</summary>
    public static string Describe(int errno) => $"{Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})";

    public static string Name(int errno) => errno switch
    {
        1 => "EPERM", 2 => "ENOENT", 3 => "ESRCH", 4 => "EINTR", 5 => "EIO", 6 => "ENXIO", 7 => "E2BIG",
        9 => "EBADF", 11 => "EAGAIN", 12 => "ENOMEM", 13 => "EACCES", 14 => "EFAULT", 16 => "EBUSY",
        17 => "EEXIST", 18 => "EXDEV", 19 => "ENODEV", 20 => "ENOTDIR", 21 => "EISDIR", 22 => "EINVAL",
        23 => "ENFILE", 24 => "EMFILE", 25 => "ENOTTY", 28 => "ENOSPC", 30 => "EROFS", 34 => "ERANGE",
        36 => "ENAMETOOLONG", 40 => "ELOOP", 42 => "ENOMSG", 61 => "ENODATA", 71 => "EPROTO",
        90 => "EMSGSIZE", 92 => "ENOPROTOOPT", 93 => "EPROTONOSUPPORT", 95 => "EOPNOTSUPP",
        97 => "EAFNOSUPPORT", 98 => "EADDRINUSE", 99 => "EADDRNOTAVAIL", 100 => "ENETDOWN",
        101 => "ENETUNREACH", 105 => "ENOBUFS", 110 => "ETIMEDOUT", 113 => "EHOSTUNREACH",
        _ => "errno " + errno,
    };
}
