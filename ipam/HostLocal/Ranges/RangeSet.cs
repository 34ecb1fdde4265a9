using System.Net;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// A pool of ranges that together yield one address per ADD. All ranges of a set share one address family and
/// must not overlap. Iteration wraps from the last range back to the first.
/// </summary>
public sealed class RangeSet
{
    public IReadOnlyList<IpRange> Ranges { get; }

    public RangeSet(IReadOnlyList<IpRange> ranges, string path = "range set")
    {
        if (ranges.Count == 0) throw IpamJson.Invalid(path, "empty range set");
        for (int i = 1; i < ranges.Count; i++)
            if (ranges[i].IsIPv4 != ranges[0].IsIPv4) throw IpamJson.Invalid(path, "mixed address families");
        for (int i = 0; i < ranges.Count; i++)
            for (int j = i + 1; j < ranges.Count; j++)
                if (ranges[i].Overlaps(ranges[j]))
                    throw IpamJson.Invalid(path, $"subnets {ranges[i].Subnet} and {ranges[j].Subnet} overlap");
        Ranges = ranges;
    }

    public bool IsIPv4 => Ranges[0].IsIPv4;

    public bool Contains(IPAddress ip) => RangeFor(ip) != null;

    /// <summary>The range holding <paramref name="ip"/>, or null.</summary>
    public IpRange? RangeFor(IPAddress ip)
    {
        foreach (var r in Ranges)
            if (r.Contains(ip)) return r;
        return null;
    }

    public bool Overlaps(RangeSet other)
    {
        foreach (var a in Ranges)
            foreach (var b in other.Ranges)
                if (a.Overlaps(b)) return true;
        return false;
    }

    public override string ToString() => string.Join(",", Ranges);
}
