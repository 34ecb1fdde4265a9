using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Cni.Linux.Net;

/// <summary>Address arithmetic on 32- and 128-bit addresses (next, previous, compare, add).</summary>
public static class IpMath
{
    public static UInt128 ToNumber(IPAddress ip)
    {
        Span<byte> b = stackalloc byte[16];
        ip.TryWriteBytes(b, out int n);
        return n == 4 ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt128BigEndian(b);
    }

    public static IPAddress FromNumber(UInt128 value, AddressFamily family)
    {
        if (family == AddressFamily.InterNetwork)
        {
            Span<byte> b4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b4, (uint)value);
            return new IPAddress(b4);
        }
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(b, value);
        return new IPAddress(b);
    }

    public static IPAddress Add(IPAddress ip, long delta)
    {
        var n = ToNumber(ip);
        n = delta >= 0 ? n + (UInt128)(ulong)delta : n - (UInt128)(ulong)(-delta);
        return FromNumber(n, ip.AddressFamily);
    }

    public static IPAddress Next(IPAddress ip) => Add(ip, 1);
    public static IPAddress Previous(IPAddress ip) => Add(ip, -1);

    public static int Compare(IPAddress a, IPAddress b)
    {
        if (a.AddressFamily != b.AddressFamily) return a.AddressFamily.CompareTo(b.AddressFamily);
        return ToNumber(a).CompareTo(ToNumber(b));
    }

    /// <summary>The last address of the prefix (broadcast for IPv4, all-ones host part for IPv6).</summary>
    public static IPAddress LastAddress(Cidr cidr)
    {
        int bits = cidr.Bits;
        UInt128 hostMask = cidr.PrefixLength == bits ? 0 : (UInt128.MaxValue >> (128 - (bits - cidr.PrefixLength)));
        return FromNumber(ToNumber(cidr.Network) | hostMask, cidr.Family);
    }
}
