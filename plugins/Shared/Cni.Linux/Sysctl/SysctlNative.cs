using System.Runtime.InteropServices;

namespace Cni.Linux.Sysctl;

/// <summary>
/// read(2)/write(2) for /proc/sys. A FileStream costs an fstat, an lseek and an advisory flock per open on top
/// of the open/read/close a sysctl needs, and a plugin touches several keys per ADD.
/// </summary>
internal static unsafe partial class SysctlNative
{
    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint pread(int fd, byte* buf, nuint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint pwrite(int fd, byte* buf, nuint count, long offset);
}
