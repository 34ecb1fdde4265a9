using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Cni.Linux.Net;

/// <summary>
/// An address with a prefix length, host bits kept ("10.1.0.5/16"), as CNI results and netlink addresses
/// carry it. <see cref="System.Net.IPNetwork"/> refuses host bits, so this is the project's one CIDR type.
/// </summary>
public readonly record struct Cidr(IPAddress Address, int PrefixLength)
{
    public AddressFamily Family => Address.AddressFamily;
    public bool IsIPv4 => Address.AddressFamily == AddressFamily.InterNetwork;
    public int Bits => IsIPv4 ? 32 : 128;

    /// <summary>The network address (host bits cleared).</summary>
    public IPAddress Network => Mask(Address, PrefixLength);

    /// <summary>This prefix with host bits cleared ("10.1.0.0/16").</summary>
    public Cidr NetworkCidr => new(Network, PrefixLength);

    public bool Contains(IPAddress ip)
        => ip.AddressFamily == Address.AddressFamily && Mask(ip, PrefixLength).Equals(Network);

    public override string ToString() => $"{Address}/{PrefixLength}";

    public static Cidr Parse(string s)
        => TryParse(s, out var c) ? c : throw new FormatException($"invalid CIDR address: {s}");

    public static bool TryParse([NotNullWhen(true)] string? s, out Cidr cidr)
    {
        cidr = default;
        if (string.IsNullOrEmpty(s)) return false;
        int slash = s.IndexOf('/');
        if (slash <= 0 || slash == s.Length - 1) return false;
        var ipPart = s.AsSpan(0, slash);
        var lenPart = s.AsSpan(slash + 1);
        if (ipPart.Contains('%')) return false;
        if (!IPAddress.TryParse(ipPart, out var ip)) return false;
        if (ip.AddressFamily != AddressFamily.InterNetwork && ip.AddressFamily != AddressFamily.InterNetworkV6) return false;
        foreach (char ch in lenPart) if (ch < '0' || ch > '9') return false;
        if (lenPart.Length > 3 || !int.TryParse(lenPart, out int len)) return false;
        int bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (len > bits) return false;
        if (ip.IsIPv4MappedToIPv6) return false;
        cidr = new Cidr(ip, len);
        return true;
    }

    /// <summary>Clears every bit of <paramref name="ip"/> past <paramref name="prefixLength"/>.</summary>
    public static IPAddress Mask(IPAddress ip, int prefixLength)
    {
        Span<byte> b = stackalloc byte[16];
        ip.TryWriteBytes(b, out int n);
        b = b[..n];
        for (int i = 0; i < n; i++)
        {
            int keep = Math.Clamp(prefixLength - i * 8, 0, 8);
            b[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(b);
    }

    /// <summary>The IPv4 netmask as an address ("255.255.0.0"); IPv6 gives the mask address too.</summary>
    public IPAddress MaskAddress
    {
        get
        {
            Span<byte> b = stackalloc byte[IsIPv4 ? 4 : 16];
            for (int i = 0; i < b.Length; i++) b[i] = (byte)(0xFF << (8 - Math.Clamp(PrefixLength - i * 8, 0, 8)));
            return new IPAddress(b);
        }
    }
}
