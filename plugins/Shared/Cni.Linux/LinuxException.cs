using Cni.Linux.Interop;

namespace Cni.Linux;

/// <summary>
/// A failed kernel call: carries the errno and the operation that failed, e.g.
/// "open /var/run/netns/x: ENOENT (No such file or directory)".
/// </summary>
public class LinuxException : IOException
{
    public LinuxException(string operation, int errno, string? detail = null, Exception? inner = null)
        : base(Format(operation, errno, detail), inner)
    {
        Operation = operation;
        Errno = errno;
        HResult = errno;
    }

    /// <summary>The operation and its subject ("RTM_NEWLINK veth eth0", "setns /proc/1/ns/net").</summary>
    public string Operation { get; }

    /// <summary>The positive errno value (17 for EEXIST).</summary>
    public int Errno { get; }

    /// <summary>The symbolic errno name ("EEXIST").</summary>
    public string ErrnoName => Interop.Errno.Name(Errno);

    private static string Format(string operation, int errno, string? detail)
        => string.IsNullOrEmpty(detail)
            ? $"{operation}: {Interop.Errno.Describe(errno)}"
            : $"{operation}: {Interop.Errno.Describe(errno)}: {detail}";
}
