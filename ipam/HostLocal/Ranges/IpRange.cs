using System.Net;
using Cni.Linux.Net;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// One <c>{subnet, rangeStart, rangeEnd, gateway}</c> entry, canonicalised as the reference does: the subnet
/// must be a network address with at least 4 addresses (no /31, /32, /127, /128); the gateway defaults to
/// network+1; rangeStart defaults to network+1 (the gateway is skipped while iterating, not excluded from the
/// range); rangeEnd defaults to broadcast-1 for IPv4 and to the last address for IPv6.
/// </summary>
public sealed class IpRange
{
    public Cidr Subnet { get; }
    public IPAddress RangeStart { get; }
    public IPAddress RangeEnd { get; }
    public IPAddress Gateway { get; }

    private readonly UInt128 _start, _end;

    public IpRange(Cidr subnet, IPAddress? rangeStart, IPAddress? rangeEnd, IPAddress? gateway, string path = "range")
    {
        if (subnet.PrefixLength > subnet.Bits - 2)
            throw IpamJson.Invalid(path + ".subnet", $"network {subnet} too small to allocate from");
        if (!subnet.Address.Equals(subnet.Network))
            throw IpamJson.Invalid(path + ".subnet",
                $"network has host bits set: for a prefix length of {subnet.PrefixLength} the network address is {subnet.Network}");
        Subnet = subnet;
        var first = IpMath.Next(subnet.Network);
        Gateway = gateway ?? first;
        if (Gateway.AddressFamily != subnet.Family)
            throw IpamJson.Invalid(path + ".gateway", $"gateway {Gateway} is not of the subnet's address family");

        if (rangeStart != null && !subnet.Contains(rangeStart))
            throw IpamJson.Invalid(path + ".rangeStart", $"rangeStart {rangeStart} not in network {subnet}");
        if (rangeEnd != null && !subnet.Contains(rangeEnd))
            throw IpamJson.Invalid(path + ".rangeEnd", $"rangeEnd {rangeEnd} not in network {subnet}");
        RangeStart = rangeStart ?? first;
        var last = IpMath.LastAddress(subnet);
        RangeEnd = rangeEnd ?? (subnet.IsIPv4 ? IpMath.Previous(last) : last);
        _start = IpMath.ToNumber(RangeStart);
        _end = IpMath.ToNumber(RangeEnd);
        if (_start > _end)
            throw IpamJson.Invalid(path + ".rangeStart", $"rangeStart {RangeStart} is after rangeEnd {RangeEnd}");
    }

    public bool IsIPv4 => Subnet.IsIPv4;

    /// <summary>Inside the subnet and between rangeStart and rangeEnd (both inclusive).</summary>
    public bool Contains(IPAddress ip)
    {
        if (ip.AddressFamily != Subnet.Family) return false;
        var n = IpMath.ToNumber(ip);
        return n >= _start && n <= _end;
    }

    /// <summary>Same family and the start..end intervals intersect.</summary>
    public bool Overlaps(IpRange other)
        => other.Subnet.Family == Subnet.Family && _start <= other._end && other._start <= _end;

    /// <summary>How many addresses rangeStart..rangeEnd spans (saturating for huge IPv6 ranges).</summary>
    public UInt128 Size => _end - _start + 1 == 0 ? UInt128.MaxValue : _end - _start + 1;

    internal UInt128 StartNumber => _start;
    internal UInt128 EndNumber => _end;

    public override string ToString() => $"{RangeStart}-{RangeEnd}";
}
