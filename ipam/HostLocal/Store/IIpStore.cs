using System.Net;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// The reservations of one network, opened under that network's lock: the allocator's whole view of the
/// world. <see cref="DiskIpStore"/> is the reference-compatible directory; tests use an in-memory one.
/// Lookups by owner must not cost more with more leases (the reference walks every file, #561).
/// </summary>
public interface IIpStore : IDisposable
{
    /// <summary>Claims <paramref name="ip"/> for <paramref name="owner"/>; false when someone already holds it.
    /// Also moves range set <paramref name="rangeSetIndex"/>'s round-robin cursor to <paramref name="ip"/>.</summary>
    bool Reserve(LeaseOwner owner, IPAddress ip, int rangeSetIndex);

    /// <summary>The round-robin cursor of a range set (<c>last_reserved_ip.N</c>), or null.</summary>
    IPAddress? LastReservedIp(int rangeSetIndex);

    /// <summary>Addresses held by exactly this owner (id and ifname; legacy id-only leases not included).</summary>
    IReadOnlyList<IPAddress> GetByOwner(LeaseOwner owner);

    /// <summary>Addresses held by this owner, else (reference rule) by legacy id-only leases of its container.</summary>
    IReadOnlyList<IPAddress> FindForRelease(LeaseOwner owner);

    /// <summary>Drops one reservation (a no-op when it is not there).</summary>
    void Release(IPAddress ip);

    /// <summary>Every reservation: for GC and STATUS, which are allowed to cost O(leases).</summary>
    IReadOnlyList<Lease> ListAll();
}
