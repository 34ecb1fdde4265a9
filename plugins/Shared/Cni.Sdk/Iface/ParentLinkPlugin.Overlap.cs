using System.Runtime.ExceptionServices;

namespace Cni.Sdk.Iface;

public abstract partial class ParentLinkPlugin<TConfig>
{
    /// <summary>
    /// One IPAM call (an exec of the delegate binary: its start-up is most of an ADD) running on its own thread
    /// while the plugin's thread does the kernel work, which on DEL is dominated by the kernel's unregister wait
    /// (~15 ms for RTM_DELLINK here). The two touch nothing in common: IPAM only sees the container id and its
    /// own files. A new thread starts in the network namespace of the thread that starts it (the host's, where
    /// the delegate must run), never in a namespace a NetNs.Run thread switched to.
    /// </summary>
    private sealed class Overlapped<T>
    {
        private readonly Thread _thread;
        private T? _result;
        private ExceptionDispatchInfo? _failure;
        private bool _joined;

        public Overlapped(string what, Func<T> call)
        {
            _thread = new Thread(() =>
            {
                try { _result = call(); }
                catch (Exception e) { _failure = ExceptionDispatchInfo.Capture(e); }
            })
            {
                IsBackground = true,
                Name = what,
            };
            _thread.Start();
        }

        /// <summary>Waits for the call; returns its result or rethrows its exception with the original stack.</summary>
        public T Join()
        {
            Wait();
            _failure?.Throw();
            return _result!;
        }

        /// <summary>Waits for the call and says whether it succeeded (for undo steps, which must not rethrow its error).</summary>
        public bool Succeeded()
        {
            Wait();
            return _failure is null;
        }

        private void Wait()
        {
            if (_joined) return;
            _thread.Join();
            _joined = true;
        }
    }
}
