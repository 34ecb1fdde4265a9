using System.Runtime.InteropServices;

namespace Cni.Linux.Netns;

/// <summary>pthread_create/pthread_detach for the namespace worker thread (see <see cref="NetNsWorker.Start"/>).</summary>
internal static unsafe partial class NetNsNative
{
    /// <summary>Returns 0 or an errno value (pthread functions do not set errno).</summary>
    [LibraryImport("libc")]
    public static partial int pthread_create(ulong* thread, void* attr, delegate* unmanaged<void*, void*> start, void* arg);

    [LibraryImport("libc")]
    public static partial int pthread_detach(ulong thread);
}
