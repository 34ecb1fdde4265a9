using Cni.Linux.Interop;

namespace Cni.Linux.Netns;

/// <summary>
/// An open network namespace (a bind-mounted /var/run/netns/NAME or /proc/PID/ns/net). Holding the fd keeps
/// the namespace alive and lets code run inside it with <see cref="Run{T}(Func{T})"/>. See Netns/README.md for
/// why switching is done only on a dedicated thread.
/// </summary>
public sealed unsafe class NetNs : IDisposable
{
    private const string SelfPath = "/proc/self/ns/net";
    private const string ThreadSelfPath = "/proc/thread-self/ns/net";
    private const int AtFdCwd = -100;

    private readonly FdHandle _fd;
    private readonly object _runLock = new();
    private NetNsWorker? _worker;
    private (ulong Device, ulong Inode)? _identity;

    private NetNs(FdHandle fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    internal FdHandle Handle => _fd;

    /// <summary>
    /// Opens <paramref name="path"/> and checks it is a network namespace (ioctl NS_GET_NSTYPE).
    /// Throws <see cref="NetNsNotFoundException"/> when the path does not exist and <see cref="NetNsException"/>
    /// ("is not a network namespace") for a regular file or another kind of namespace.
    /// Like `ip netns exec NAME` resolving its target, without entering it.
    /// </summary>
    public static NetNs Open(string path)
        => TryOpen(path) ?? throw new NetNsNotFoundException(path, Errno.ENOENT);

    /// <summary>
    /// <see cref="Open"/>, but null when <paramref name="path"/> does not exist, without throwing: a DEL after the
    /// runtime removed the namespace is routine, and an exception costs a NativeAOT process tens of microseconds.
    /// </summary>
    public static NetNs? TryOpen(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string operation = "open netns " + path;
        int fd;
        while (true)
        {
            // O_NONBLOCK: a FIFO passed as CNI_NETNS must fail the type check below, not hang the plugin in open().
            fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NONBLOCK);
            if (fd >= 0) break;
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR) continue;
            if (errno == Errno.ENOENT) return null;
            throw new NetNsException(operation, errno);
        }
        var handle = new FdHandle(fd);
        try
        {
            if (Errno.Check(LibC.ioctl(fd, LibC.NS_GET_NSTYPE), "ioctl NS_GET_NSTYPE " + path) != LibC.CLONE_NEWNET)
                throw new NetNsException(operation, Errno.EINVAL, $"{path} is not a network namespace");
        }
        catch (LinuxException e) when (e is not NetNsException)
        {
            // ENOTTY/EINVAL: the file is not an nsfs namespace at all (a regular file, a directory...).
            handle.Dispose();
            throw new NetNsException(operation, e.Errno, $"{path} is not a network namespace");
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return new NetNs(handle, path);
    }

    /// <summary>The namespace of the calling thread.</summary>
    public static NetNs OpenCurrent() => Open(ThreadSelfPath);

    /// <summary>
    /// True when <paramref name="path"/> is this process's own network namespace (same device and inode as
    /// /proc/self/ns/net). CNI refuses to configure the plugin's own namespace as a container's.
    /// </summary>
    public static bool IsProcessNamespace(string path)
    {
        using var target = TryOpen(path);
        if (target is null) return false;
        using var self = Open(SelfPath);
        return target.IsSameAs(self);
    }

    /// <summary>Whether both handles refer to the same namespace (nsfs device and inode are its identity).</summary>
    public bool IsSameAs(NetNs other) => Identity() == other.Identity();

    /// <summary>
    /// Runs <paramref name="action"/> inside this namespace and returns its result; exceptions from the action
    /// propagate. The caller's thread never switches: the action runs on this object's own dedicated thread,
    /// which enters the namespace with setns() on the first Run, serves every later Run of this object (one at
    /// a time) and switches back when the object is disposed. If entering fails, that thread ends at once and
    /// the next Run starts a new one; if switching back fails, the thread ends anyway, so no thread ever
    /// leaves this class in the wrong namespace. When the caller's thread already is in this namespace (the
    /// plugin's own host namespace, or a Run nested inside another Run of this object) the action runs
    /// right there: nothing has to switch. Like `ip netns exec NAME ...` for a piece of managed code.
    /// </summary>
    public T Run<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        bool added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            if (IsCallersNamespace()) return action();
            lock (_runLock)
            {
                _worker ??= NetNsWorker.Start(this);
                object? result = _worker.Execute(() => action(), out var failure);
                if (_worker.HasEnded) _worker = null;
                failure?.Throw();
                return (T)result!;
            }
        }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
    }

    /// <summary>Runs <paramref name="action"/> inside this namespace; see <see cref="Run{T}(Func{T})"/>.</summary>
    public void Run(Action action) => Run<object?>(() => { action(); return null; });

    /// <summary>
    /// Whether the calling thread already sits in this namespace: one statx of /proc/thread-self/ns/net
    /// against this namespace's identity (read once). Far cheaper than handing the action to another thread.
    /// </summary>
    private bool IsCallersNamespace()
    {
        if (NetNsWorker.IsWorkerOf(this)) return true;
        _identity ??= Identity();
        statx st = default;
        if (LibC.statx(AtFdCwd, ThreadSelfPath, 0, LibC.STATX_INO, &st) < 0) return false;
        return (((ulong)st.stx_dev_major << 32) | st.stx_dev_minor, st.stx_ino) == _identity.Value;
    }

    private (ulong Device, ulong Inode) Identity()
    {
        statx st = default;
        Errno.Check(LibC.statx(_fd.Fd, "", LibC.AT_EMPTY_PATH, LibC.STATX_INO, &st), "statx " + Path);
        return (((ulong)st.stx_dev_major << 32) | st.stx_dev_minor, st.stx_ino);
    }

    /// <summary>Lets the dedicated thread (if any) switch back and end, then closes the namespace handle.</summary>
    public void Dispose()
    {
        lock (_runLock)
        {
            _worker?.Stop();
            _worker = null;
        }
        _fd.Dispose();
    }

    public override string ToString() => Path;
}
