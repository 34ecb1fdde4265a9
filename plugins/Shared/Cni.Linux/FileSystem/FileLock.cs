using System.Diagnostics;

namespace Cni.Linux.FileSystem;

/// <summary>
/// An exclusive flock(2) on a file, compatible with other processes that flock the same file (the reference
/// host-local takes exactly this lock on <c>&lt;dataDir&gt;/&lt;network&gt;/lock</c>). The wait is bounded:
/// flock has no timeout, so we poll LOCK_NB with a short backoff and give up with
/// <see cref="LockTimeoutException"/> rather than hang forever behind a stuck holder.
/// </summary>
public sealed class FileLock : IDisposable
{
    private int _fd;

    public string Path { get; }

    private FileLock(string path, int fd)
    {
        Path = path;
        _fd = fd;
    }

    /// <summary>Opens (creating, mode 0644) and locks <paramref name="path"/>, waiting at most <paramref name="timeout"/>.</summary>
    public static FileLock Acquire(string path, TimeSpan timeout)
    {
        int fd = FsNative.open(path, FsNative.O_RDONLY | FsNative.O_CREAT | FsNative.O_CLOEXEC, 0x1A4);
        if (fd < 0) throw FsNative.Error("open lock", path);
        try
        {
            var sw = Stopwatch.StartNew();
            int sleepMs = 0;
            while (true)
            {
                if (FsNative.flock(fd, FsNative.LOCK_EX | FsNative.LOCK_NB) == 0) return new FileLock(path, fd);
                int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (errno != FsNative.EWOULDBLOCK && errno != FsNative.EINTR) throw FsNative.Error("flock", path);
                if (sw.Elapsed >= timeout) throw new LockTimeoutException(path, sw.Elapsed);
                // Holders keep the lock for well under a millisecond, so start by yielding and back off to 5 ms:
                // fast hand-over under contention without burning a core while a slow holder works.
                if (sleepMs == 0) Thread.Yield(); else Thread.Sleep(sleepMs);
                sleepMs = Math.Min(sleepMs + 1, 5);
            }
        }
        catch
        {
            FsNative.close(fd);
            throw;
        }
    }

    /// <summary>Closing the descriptor releases the flock.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) FsNative.close(fd);
    }
}
