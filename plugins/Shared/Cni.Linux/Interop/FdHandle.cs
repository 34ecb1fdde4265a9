using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>Owns one file descriptor (a netlink socket, a namespace file) and closes it exactly once.</summary>
internal sealed class FdHandle : SafeHandle
{
    public FdHandle(int fd) : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    /// <summary>The raw fd; only valid while the owner has not disposed the handle.</summary>
    public int Fd => IsClosed ? throw new ObjectDisposedException(nameof(FdHandle)) : (int)handle;

    // close() is not retried on EINTR: on Linux the fd is released even when close reports EINTR.
    protected override bool ReleaseHandle() => LibC.close((int)handle) == 0;
}
