using System.Net;
using Cni.Linux.Net;
using Cni.Sdk;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// Hands out one address per range set for an owner, over a store that is already locked. Any failure
/// releases what earlier sets got, so an ADD either gets every address or leaves the store as it was.
/// Error codes: a requested address that no set can give (outside every range, a gateway, excluded) is 7;
/// a requested address held by someone else, or an exhausted set, is 11 (it clears when leases are
/// released); an owner that already holds an address in a set is 999 (the runtime broke the ADD/DEL protocol).
/// </summary>
public sealed class IpAllocator(IIpStore store, IReadOnlyList<RangeSet> sets, ExcludeList? exclude = null)
{
    private readonly ExcludeList _exclude = exclude ?? ExcludeList.Empty;

    public List<Allocation> Allocate(LeaseOwner owner, IReadOnlyList<IPAddress> requested)
    {
        var pending = new List<IPAddress>(requested);
        var done = new List<Allocation>();
        try
        {
            for (int idx = 0; idx < sets.Count; idx++)
            {
                var set = sets[idx];
                var want = pending.FirstOrDefault(set.Contains);
                if (want != null) pending.Remove(want);
                done.Add(want != null ? Reserve(owner, idx, set, want) : Next(owner, idx, set));
            }
            if (pending.Count > 0)
                throw new CniException(CniErrorCode.InvalidNetworkConfig,
                    $"failed to allocate all requested IPs: {string.Join(", ", pending)} is in no configured range",
                    "requested through CNI_ARGS IP, args.cni.ips or runtimeConfig.ips");
            return done;
        }
        catch
        {
            foreach (var a in done) store.Release(a.Address.Address);
            throw;
        }
    }

    private Allocation Reserve(LeaseOwner owner, int idx, RangeSet set, IPAddress ip)
    {
        var r = set.RangeFor(ip)!;
        if (ip.Equals(r.Gateway))
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"requested ip {ip} is subnet's gateway");
        if (_exclude.Contains(ip))
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"requested ip {ip} is excluded by ipam.exclude");
        if (!store.Reserve(owner, ip, idx))
            throw new CniException(CniErrorCode.TryAgainLater,
                $"requested IP address {ip} is not available in range set {set}", "another container holds it");
        return new Allocation(idx, new Cidr(ip, r.Subnet.PrefixLength), r.Gateway);
    }

    private Allocation Next(LeaseOwner owner, int idx, RangeSet set)
    {
        foreach (var held in store.GetByOwner(owner))
            if (set.Contains(held))
                throw new CniException(CniErrorCode.Internal,
                    $"{held} has been allocated to {owner.ContainerId}, duplicate allocation is not allowed");
        var iter = new RangeIterator(set, store.LastReservedIp(idx), _exclude);
        while (iter.Next() is var (ip, r))
            if (store.Reserve(owner, ip, idx))
                return new Allocation(idx, new Cidr(ip, r.Subnet.PrefixLength), r.Gateway);
        throw new CniException(CniErrorCode.TryAgainLater, $"no IP addresses available in range set: {set}",
            "every address is leased; retry after containers are deleted or garbage-collected");
    }
}
