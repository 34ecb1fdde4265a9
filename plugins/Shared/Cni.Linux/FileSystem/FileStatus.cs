namespace Cni.Linux.FileSystem;

/// <summary>
/// What statx(2) says about a path (not following symlinks): identity, link count and modification time in
/// nanoseconds. The mtime lets a store see whether a directory changed since it last looked.
/// </summary>
public readonly record struct FileStatus(ulong Inode, uint LinkCount, long Size, bool IsDirectory, long MtimeNs, long CtimeNs)
{
    /// <summary>Reads the status of <paramref name="path"/>; false when it does not exist.</summary>
    public static unsafe bool TryGet(string path, out FileStatus status)
    {
        FsNative.StatxBuffer b;
        if (FsNative.statx(FsNative.AT_FDCWD, path, FsNative.AT_SYMLINK_NOFOLLOW, FsNative.STATX_BASIC_STATS, &b) != 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            status = default;
            if (errno == FsNative.ENOENT || errno == 20 /* ENOTDIR */) return false;
            throw new FileSystemException($"statx {path}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        status = new FileStatus(b.stx_ino, b.stx_nlink, (long)b.stx_size, (b.stx_mode & 0xF000) == 0x4000,
            b.stx_mtime_sec * 1_000_000_000L + b.stx_mtime_nsec, b.stx_ctime_sec * 1_000_000_000L + b.stx_ctime_nsec);
        return true;
    }

    /// <summary>
    /// CLOCK_REALTIME_COARSE in nanoseconds: the clock the kernel stamps files with. A later change to any
    /// file gets an mtime at or after this value, which is what "did the directory change since" relies on.
    /// </summary>
    public static unsafe long CoarseNowNs()
    {
        FsNative.Timespec ts;
        if (FsNative.clock_gettime(FsNative.CLOCK_REALTIME_COARSE, &ts) != 0) throw FsNative.Error("clock_gettime", "CLOCK_REALTIME_COARSE");
        return ts.tv_sec * 1_000_000_000L + ts.tv_nsec;
    }
}
