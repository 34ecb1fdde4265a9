using System.Runtime.ExceptionServices;
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

    private readonly FdHandle _fd;

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
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string operation = "open netns " + path;
        int fd;
        try
        {
            // O_NONBLOCK: a FIFO passed as CNI_NETNS must fail the type check below, not hang the plugin in open().
            fd = (int)Errno.Retry(operation, () => LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NONBLOCK));
        }
        catch (LinuxException e) when (e.Errno == Errno.ENOENT)
        {
            throw new NetNsNotFoundException(path, e.Errno);
        }
        catch (LinuxException e)
        {
            throw new NetNsException(operation, e.Errno);
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
        using var target = Open(path);
        using var self = Open(SelfPath);
        return target.IsSameAs(self);
    }

    /// <summary>Whether both handles refer to the same namespace (nsfs device and inode are its identity).</summary>
    public bool IsSameAs(NetNs other) => Identity() == other.Identity();

    /// <summary>
    /// Runs <paramref name="action"/> inside this namespace on a fresh dedicated thread, which enters with
    /// setns() and switches back before it ends. If switching back fails the thread simply ends; since it is
    /// never reused nothing else can run in the wrong namespace. Exceptions from the action propagate.
    /// Like `ip netns exec NAME ...` for a piece of managed code.
    /// </summary>
    public T Run<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        bool added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            var thread = new Thread(() =>
            {
                try
                {
                    result = RunOnThisThread(action);
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
            })
            {
                IsBackground = true,
                Name = "netns " + Path,
            };
            thread.Start();
            thread.Join();
        }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
        failure?.Throw();
        return result;
    }

    /// <summary>Runs <paramref name="action"/> inside this namespace; see <see cref="Run{T}(Func{T})"/>.</summary>
    public void Run(Action action) => Run<object?>(() => { action(); return null; });

    private T RunOnThisThread<T>(Func<T> action)
    {
        using var home = Open(ThreadSelfPath);
        Errno.Check(LibC.setns(_fd.Fd, LibC.CLONE_NEWNET), "setns " + Path);
        try
        {
            return action();
        }
        finally
        {
            // Best effort: on failure this thread is about to end anyway and is never handed out again, so
            // the action's own outcome (result or exception) is what the caller needs to see.
            _ = LibC.setns(home._fd.Fd, LibC.CLONE_NEWNET);
        }
    }

    private (ulong Device, ulong Inode) Identity()
    {
        statx st = default;
        Errno.Check(LibC.statx(_fd.Fd, "", LibC.AT_EMPTY_PATH, LibC.STATX_INO, &st), "statx " + Path);
        return (((ulong)st.stx_dev_major << 32) | st.stx_dev_minor, st.stx_ino);
    }

    public void Dispose() => _fd.Dispose();

    public override string ToString() => Path;
}
