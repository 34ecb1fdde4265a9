using Cni.Linux.Firewall;

namespace Cni.Plugins.Bridge;

/// <summary>
/// The firewalls one ADD/DEL/GC uses, made on first use (per backend name) and all disposed together at the
/// end of the operation. Why keep them that long: closing an nftables socket that deleted rules waits for the
/// kernel to free them (an RCU grace period, 10-15 ms); closed after the veth delete, that wait has already
/// run out alongside the veth's own unregister wait instead of adding to it. Not thread-safe (one operation).
/// </summary>
internal sealed class FirewallSession(Func<string?, IFirewall> factory) : IDisposable
{
    private readonly Dictionary<string, IFirewall> _made = new(StringComparer.Ordinal);

    /// <summary>The firewall for an ipMasqBackend value (null/empty = automatic choice).</summary>
    public IFirewall For(string? backend)
    {
        string key = backend ?? "";
        if (!_made.TryGetValue(key, out var fw)) _made[key] = fw = factory(backend);
        return fw;
    }

    /// <summary>Spoof checking filters bridged frames, which only nftables' bridge family can do.</summary>
    public IFirewall Spoof => For(Firewalls.Nftables);

    public void Dispose()
    {
        // A factory may hand out one object for several names (test doubles do): dispose each once.
        foreach (var fw in _made.Values.Distinct()) fw.Dispose();
        _made.Clear();
    }
}
