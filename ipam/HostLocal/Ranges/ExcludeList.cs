using System.Net;
using Cni.Linux.Net;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// Addresses never handed out (<c>ipam.exclude</c>: plain addresses or CIDRs, like Docker's --aux-address).
/// Kept as numeric intervals so a large excluded block costs one comparison, not one entry per address.
/// </summary>
public sealed class ExcludeList
{
    private readonly List<(bool V4, UInt128 First, UInt128 Last)> _blocks = [];

    public static ExcludeList Empty { get; } = new();

    public int Count => _blocks.Count;

    public void Add(Cidr block)
    {
        var net = block.NetworkCidr;
        _blocks.Add((block.IsIPv4, IpMath.ToNumber(net.Address), IpMath.ToNumber(IpMath.LastAddress(net))));
    }

    public bool Contains(IPAddress ip)
    {
        bool v4 = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        var n = IpMath.ToNumber(ip);
        foreach (var (bv4, first, last) in _blocks)
            if (bv4 == v4 && n >= first && n <= last) return true;
        return false;
    }

    /// <summary>How many addresses of <paramref name="range"/> are excluded, gateways not counted twice.</summary>
    public UInt128 CountIn(IpRange range, IPAddress gateway, out bool gatewayExcluded)
    {
        var merged = _blocks.Where(b => b.V4 == range.IsIPv4)
            .Select(b => (First: UInt128.Max(b.First, range.StartNumber), Last: UInt128.Min(b.Last, range.EndNumber)))
            .Where(b => b.First <= b.Last).OrderBy(b => b.First).ToList();
        UInt128 total = 0, coveredTo = 0;
        bool any = false;
        foreach (var (first, last) in merged)
        {
            var f = any && first <= coveredTo ? coveredTo + 1 : first;
            if (!any || last > coveredTo)
            {
                if (f <= last) total += last - f + 1;
                coveredTo = last;
                any = true;
            }
        }
        gatewayExcluded = Contains(gateway);
        return total;
    }
}
