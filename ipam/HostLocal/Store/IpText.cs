using System.Net;
using System.Net.Sockets;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// Lease file names are the address text. .NET's IPAddress.TryParse also accepts "1", "0x7f" or "1.2"
/// (classful shorthands), which would turn unrelated files into "leases", so names are parsed strictly:
/// dotted quads for IPv4, a colon for IPv6.
/// </summary>
public static class IpText
{
    public static bool TryParse(ReadOnlySpan<char> s, out IPAddress? ip)
    {
        ip = null;
        if (s.Length == 0 || s.Length > 45 || s.Contains('%') || s.Contains('/')) return false;
        bool v6 = s.Contains(':');
        if (!v6 && s.Count('.') != 3) return false;
        foreach (char c in s)
            if (!(char.IsAsciiHexDigit(c) || c == '.' || c == ':')) return false;
        if (!IPAddress.TryParse(s, out var parsed)) return false;
        if (parsed.AddressFamily != (v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork)) return false;
        ip = parsed;
        return true;
    }

    /// <summary>The file name for an address: Go's net.IP.String() form, which .NET's ToString matches for
    /// the addresses host-local hands out (IPv4 dotted quad, IPv6 RFC 5952 lower case).</summary>
    public static string FileName(IPAddress ip) => ip.ToString();
}
