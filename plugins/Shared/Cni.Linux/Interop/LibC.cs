using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>
/// The raw libc entry points this library needs, source-generated (<see cref="LibraryImportAttribute"/>) so
/// they work under NativeAOT. Every call sets errno for <see cref="Errno"/>; callers never read errno themselves.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc";

    public const int O_RDONLY = 0, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public const int CLONE_NEWNET = 0x40000000;
    public const int AT_EMPTY_PATH = 0x1000;
    public const uint STATX_INO = 0x100;
    /// <summary>NS_GET_NSTYPE = _IO(0xb7, 0x3) (linux/nsfs.h): returns the CLONE_NEW* type of a namespace fd.</summary>
    public const nuint NS_GET_NSTYPE = 0xb703;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int bind(int fd, sockaddr_nl* addr, int addrlen);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getsockname(int fd, sockaddr_nl* addr, int* addrlen);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setsockopt(int fd, int level, int optname, void* optval, int optlen);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint sendto(int fd, void* buf, nuint len, int flags, sockaddr_nl* addr, int addrlen);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint recvfrom(int fd, void* buf, nuint len, int flags, sockaddr_nl* addr, int* addrlen);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setns(int fd, int nstype);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int ioctl(int fd, nuint request);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int dirfd, string path, int flags, uint mask, statx* buf);
}
