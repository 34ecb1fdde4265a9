using System.Runtime.InteropServices;

namespace Cni.Linux.Threading;

/// <summary>pthread_create/pthread_detach for <see cref="PlainThread"/>.</summary>
internal static unsafe partial class ThreadNative
{
    /// <summary>Returns 0 or an errno value (pthread functions do not set errno).</summary>
    [LibraryImport("libc")]
    public static partial int pthread_create(ulong* thread, void* attr, delegate* unmanaged<void*, void*> start, void* arg);

    [LibraryImport("libc")]
    public static partial int pthread_detach(ulong thread);
}
