using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Cni.Linux.Interop;

namespace Cni.Linux.Threading;

/// <summary>
/// Runs an action on a new plain pthread (detached) and lets the starter wait for it without spinning. Not
/// <see cref="Thread.Start()"/>: NativeAOT's Thread.Start busy-waits in sched_yield until the new thread has been
/// scheduled, which on a loaded 2-core host burns milliseconds of the very CPU the new thread is waiting for.
/// The runtime adopts the thread when it first enters managed code. Like any new thread, it starts in the
/// starting thread's network namespace.
/// </summary>
public sealed class PlainThread
{
    private readonly Action _action;
    // Blocks without spinning: a spinning wait burns the CPU the other thread needs.
    private readonly ManualResetEventSlim _done = new(false, spinCount: 0);
    private ExceptionDispatchInfo? _failure;

    private PlainThread(Action action) => _action = action;

    /// <summary>Starts <paramref name="action"/> on its own thread; an exception it throws is rethrown by <see cref="Join"/>.</summary>
    public static unsafe PlainThread Start(Action action, string what)
    {
        var thread = new PlainThread(action);
        var self = GCHandle.Alloc(thread);
        ulong id;
        int rc = ThreadNative.pthread_create(&id, null, &ThreadMain, (void*)GCHandle.ToIntPtr(self));
        if (rc != 0)
        {
            self.Free();
            throw new LinuxException($"start the thread for {what}", rc);
        }
        _ = ThreadNative.pthread_detach(id);
        return thread;
    }

    /// <summary>Waits until the action has returned; rethrows what it threw.</summary>
    public void Join()
    {
        _done.Wait();
        _failure?.Throw();
    }

    [UnmanagedCallersOnly]
    private static unsafe void* ThreadMain(void* arg)
    {
        var self = GCHandle.FromIntPtr((nint)arg);
        var thread = (PlainThread)self.Target!;
        self.Free();
        try { thread._action(); }
        catch (Exception e) { thread._failure = ExceptionDispatchInfo.Capture(e); }
        thread._done.Set();
        return null;
    }
}
