using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Cni.Linux.Net;

/// <summary>
/// An address with a prefix length, host bits kept ("10.1.0.5/16"), as CNI results and netlink addresses
/// carry it. <see cref="System.Net.IPNetwork"/> refuses host bits, so this is the project's one CIDR type.
/// </summary>
public readonly record struct Cidr(IPAddress Address, int PrefixLength) : ISpanFormattable
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

    /// <summary>"10.1.0.5/16". Formatted on the stack: no pooled buffer (see <see cref="TryFormat"/>).</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[MaxTextLength];
        return TryFormat(buffer, out int written, default, null) ? new string(buffer[..written]) : Address + "/" + PrefixLength;
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>
    /// Writes "address/prefix" straight into <paramref name="destination"/>, so a CIDR inside an interpolated
    /// string ($"... {cidr} ...") is formatted into that string's own buffer. With an interpolated ToString it
    /// was a nested string builder, and the second pooled buffer returned on a thread makes .NET's shared array
    /// pool calibrate its per-core partitions (ProcessorIdCache, ~0.1 ms of every process that logs a CIDR).
    /// </summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        charsWritten = 0;
        if (!Address.TryFormat(destination, out int n) || n >= destination.Length) return false;
        destination[n++] = '/';
        if (!PrefixLength.TryFormat(destination[n..], out int m, default, System.Globalization.CultureInfo.InvariantCulture)) return false;
        charsWritten = n + m;
        return true;
    }

    /// <summary>Longest text: a 45-character IPv6 form, '/', three digits.</summary>
    private const int MaxTextLength = 64;

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
