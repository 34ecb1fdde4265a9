using System.Runtime.ExceptionServices;
using Cni.Linux.Interop;
using Cni.Linux.Threading;

namespace Cni.Linux.Netns;

/// <summary>
/// The dedicated thread behind <see cref="NetNs.Run{T}(Func{T})"/>: enters one namespace once and runs the
/// actions handed to it until stopped. One thread per NetNs instead of one per Run, because starting a
/// thread is the expensive part: on a busy 2-core host Thread.Start spins in sched_yield for milliseconds
/// while the new thread waits for a CPU, and a bridge ADD used to start three. The owner serialises calls
/// (it holds its run lock around <see cref="Execute"/>), so there is one request in flight at a time.
/// </summary>
internal sealed class NetNsWorker
{
    [ThreadStatic] private static NetNs? t_servedNamespace;

    private readonly NetNs _netns;
    // Events that block without spinning: a spinning wait burns the CPU the caller's next step needs (an
    // IPAM child process, say) for the whole time this thread idles, on a 2-core host half the machine.
    // Strict request/answer alternation makes manual reset by the waiter safe.
    private readonly ManualResetEventSlim _request = new(false, spinCount: 0);
    private readonly ManualResetEventSlim _done = new(false, spinCount: 0);
    private Func<object?>? _action;
    private object? _result;
    private ExceptionDispatchInfo? _failure;
    private bool _stopping;

    private NetNsWorker(NetNs netns) => _netns = netns;

    /// <summary>True once the thread has ended (it could not enter the namespace): the owner starts a new one.</summary>
    public bool HasEnded { get; private set; }

    /// <summary>Whether the calling thread is the worker serving <paramref name="netns"/> (a nested Run).</summary>
    public static bool IsWorkerOf(NetNs netns) => ReferenceEquals(t_servedNamespace, netns);

    /// <summary>
    /// Starts the thread, a <see cref="PlainThread"/> (not Thread.Start, which spins): the caller goes straight on
    /// to wait for its first answer, blocking.
    /// </summary>
    public static NetNsWorker Start(NetNs netns)
    {
        var worker = new NetNsWorker(netns);
        PlainThread.Start(() =>
        {
            try { worker.Serve(); }
            catch (Exception)
            {
                // Serve has already answered its caller or been stopped; nothing may escape.
            }
        }, "netns " + netns.Path);
        return worker;
    }

    /// <summary>Runs <paramref name="action"/> on the worker and waits; a failure comes back in <paramref name="failure"/>.</summary>
    public object? Execute(Func<object?> action, out ExceptionDispatchInfo? failure)
    {
        _action = action;
        _request.Set();
        _done.Wait();
        _done.Reset();
        failure = _failure;
        object? result = _result;
        _action = null;
        _result = null;
        _failure = null;
        return result;
    }

    /// <summary>Asks the thread to switch back and end; does not wait for it (it never runs anything again).</summary>
    public void Stop()
    {
        _stopping = true;
        _request.Set();
    }

    private void Serve()
    {
        NetNs? home = null;
        try
        {
            home = NetNs.OpenCurrent();
            Errno.Check(LibC.setns(_netns.Handle.Fd, LibC.CLONE_NEWNET), "setns " + _netns.Path);
        }
        catch (Exception e)
        {
            // Not inside: answer the pending request with the error and end, never running an action here.
            home?.Dispose();
            HasEnded = true;
            _request.Wait();
            _request.Reset();
            if (!_stopping)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
                _done.Set();
            }
            return;
        }

        t_servedNamespace = _netns;
        try
        {
            while (true)
            {
                _request.Wait();
                _request.Reset();
                if (_stopping) break;
                try { _result = _action!(); }
                catch (Exception e) { _failure = ExceptionDispatchInfo.Capture(e); }
                _done.Set();
            }
        }
        finally
        {
            t_servedNamespace = null;
            // Best effort: whatever happens, this thread ends right after and is never handed work again.
            _ = LibC.setns(home.Handle.Fd, LibC.CLONE_NEWNET);
            home.Dispose();
        }
    }
}
