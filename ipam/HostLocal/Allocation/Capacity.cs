using System.Net;

namespace Cni.Ipam.HostLocal;

/// <summary>How many addresses a range set can still hand out, without walking it address by address.</summary>
public static class Capacity
{
    /// <summary>Usable addresses (not gateways, not excluded) minus those leased; saturates for huge IPv6 sets.</summary>
    public static UInt128 Free(RangeSet set, ExcludeList exclude, IReadOnlySet<IPAddress> leased)
    {
        UInt128 usable = 0;
        foreach (var r in set.Ranges)
        {
            var size = r.Size - exclude.CountIn(r, r.Gateway, out bool gwExcluded);
            if (r.Contains(r.Gateway) && !gwExcluded) size--;
            usable = usable > UInt128.MaxValue - size ? UInt128.MaxValue : usable + size;
        }
        UInt128 used = 0;
        foreach (var ip in leased)
        {
            var r = set.RangeFor(ip);
            if (r != null && !ip.Equals(r.Gateway) && !exclude.Contains(ip)) used++;
        }
        return used >= usable ? 0 : usable - used;
    }
}
