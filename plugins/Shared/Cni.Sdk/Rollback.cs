namespace Cni.Sdk;

/// <summary>
/// ADD as a transaction: each side effect registers its undo; unless <see cref="Commit"/> is reached, Dispose
/// runs the undos newest first. An undo that fails is logged and the rest still run, so one stuck step does
/// not leak everything created before it.
/// <code>
/// using var rb = new Rollback();
/// var ipam = invoker.Add(args); rb.Add("release IPAM", () => invoker.Del(args));
/// ... ; rb.Commit(); return result;
/// </code>
/// </summary>
public sealed class Rollback : IDisposable
{
    private readonly List<(string What, Action Undo)> _undos = [];
    private readonly TextWriter _log;
    private bool _committed;
    private bool _disposed;

    /// <param name="log">Where undo failures go; stderr by default (stdout belongs to the result).</param>
    public Rollback(TextWriter? log = null) => _log = log ?? StdErr.Writer;

    public void Add(string what, Action undo)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _undos.Add((what, undo));
    }

    /// <summary>The ADD succeeded: keep everything.</summary>
    public void Commit() => _committed = true;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_committed) return;
        for (int i = _undos.Count - 1; i >= 0; i--)
        {
            var (what, undo) = _undos[i];
            try
            {
                undo();
            }
            catch (Exception e)
            {
                _log.WriteLine($"rollback: {what} failed: {e.GetType().Name}: {e.Message}");
            }
        }
    }
}
