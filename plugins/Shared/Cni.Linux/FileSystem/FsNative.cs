using System.Runtime.InteropServices;

namespace Cni.Linux.FileSystem;

/// <summary>
/// The few libc calls the file-system helpers need that .NET does not expose: flock, link(2), fsync of a
/// directory, statx (for the link count and nanosecond mtime), symlinks as tiny atomic records (symlink,
/// readlink, rename) and the coarse realtime clock the kernel uses for file timestamps. Kept private to this folder so plugins never see raw descriptors.
/// </summary>
internal static unsafe partial class FsNative
{
    private const string Lib = "libc";

    public const int O_RDONLY = 0, O_RDWR = 2, O_CREAT = 0x40, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
    public const int LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_BASIC_STATS = 0x7ff;
    public const int CLOCK_REALTIME_COARSE = 5;
    public const int EINTR = 4, EAGAIN = 11, EEXIST = 17, ENOENT = 2, EWOULDBLOCK = 11, ENOTDIR = 20, EINVAL = 22;

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, uint mode);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int link(string oldPath, string newPath);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int symlink(string target, string linkPath);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint readlink(string path, byte* buf, nuint size);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rename(string oldPath, string newPath);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlink(string path);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int dirfd, string path, int flags, uint mask, StatxBuffer* buf);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int clock_gettime(int clockId, Timespec* ts);

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long tv_sec;
        public long tv_nsec;
    }

    /// <summary>struct statx (linux/stat.h): same layout on every architecture; only the fields we read are named.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct StatxBuffer
    {
        [FieldOffset(0)] public uint stx_mask;
        [FieldOffset(16)] public uint stx_nlink;
        [FieldOffset(28)] public ushort stx_mode;
        [FieldOffset(32)] public ulong stx_ino;
        [FieldOffset(40)] public ulong stx_size;
        [FieldOffset(96)] public long stx_ctime_sec;
        [FieldOffset(104)] public uint stx_ctime_nsec;
        [FieldOffset(112)] public long stx_mtime_sec;
        [FieldOffset(120)] public uint stx_mtime_nsec;
    }

    /// <summary>The errno of the last call, as an IOException that names the operation and path.</summary>
    public static FileSystemException Error(string operation, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new FileSystemException($"{operation} {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
    }
}
