using System.Runtime.ExceptionServices;

namespace Cni.Sdk;

/// <summary>
/// An IPAM call that has been started and not yet finished: with <see cref="ExecIpam"/> the delegate process
/// is running while the plugin does its kernel work (no thread involved), for an in-process invoker the call
/// has already run. <see cref="Finish"/> waits and returns the result or rethrows the call's error, the same
/// each time; <see cref="Succeeded"/> waits and never throws (for undo steps). Every started call must be
/// finished (Finish, Succeeded or Dispose), or the delegate would be left a zombie.
/// </summary>
public sealed class IpamCall<T> : IDisposable
{
    private Func<T>? _finish;
    private T? _result;
    private ExceptionDispatchInfo? _failure;

    private IpamCall(Func<T> finish) => _finish = finish;

    /// <summary>A call whose outcome comes from <paramref name="finish"/>, run once, on the first wait.</summary>
    public static IpamCall<T> Pending(Func<T> finish) => new(finish);

    /// <summary>Runs <paramref name="call"/> now and keeps its outcome: the synchronous fallback.</summary>
    public static IpamCall<T> Completed(Func<T> call)
    {
        var c = new IpamCall<T>(call);
        c.Wait();
        return c;
    }

    /// <summary>A call that could not even be started; <see cref="Finish"/> rethrows <paramref name="error"/>.</summary>
    public static IpamCall<T> Failed(Exception error)
    {
        var c = new IpamCall<T>(() => default!);
        c._finish = null;
        c._failure = ExceptionDispatchInfo.Capture(error);
        return c;
    }

    /// <summary>Waits for the call; returns its result or rethrows its exception with the original stack.</summary>
    public T Finish()
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

    public void Dispose() => Wait();

    private void Wait()
    {
        if (_finish is not { } finish) return;
        _finish = null;
        try { _result = finish(); }
        catch (Exception e) { _failure = ExceptionDispatchInfo.Capture(e); }
    }
}
