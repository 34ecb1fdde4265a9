using System.Net;

namespace Cni.Ipam.HostLocal;

/// <summary>An <see cref="IIpStore"/> in a dictionary: for unit tests of the allocator and for dry runs.</summary>
public sealed class MemoryIpStore : IIpStore
{
    private readonly Dictionary<IPAddress, LeaseOwner> _leases = [];
    private readonly Dictionary<int, IPAddress> _last = [];

    public IReadOnlyDictionary<IPAddress, LeaseOwner> Leases => _leases;

    public bool Reserve(LeaseOwner owner, IPAddress ip, int rangeSetIndex)
    {
        if (!_leases.TryAdd(ip, owner)) return false;
        _last[rangeSetIndex] = ip;
        return true;
    }

    public IPAddress? LastReservedIp(int rangeSetIndex) => _last.GetValueOrDefault(rangeSetIndex);

    public void SetLastReservedIp(int rangeSetIndex, IPAddress ip) => _last[rangeSetIndex] = ip;

    public IReadOnlyList<IPAddress> GetByOwner(LeaseOwner owner)
        => _leases.Where(kv => kv.Value == owner).Select(kv => kv.Key).ToList();

    public IReadOnlyList<IPAddress> FindForRelease(LeaseOwner owner)
    {
        var exact = GetByOwner(owner);
        return exact.Count > 0 ? exact : GetByOwner(new LeaseOwner(owner.ContainerId, ""));
    }

    public void Release(IPAddress ip) => _leases.Remove(ip);

    public IReadOnlyList<Lease> ListAll() => _leases.Select(kv => new Lease(kv.Key, kv.Value)).ToList();

    public void Dispose() { }
}
