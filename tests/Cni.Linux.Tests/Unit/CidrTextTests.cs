using System.Net;
using Cni.Linux.Net;

namespace Cni.Linux.Tests.Unit;

/// <summary>Cidr formats itself into the caller's buffer (ISpanFormattable) and reads back what it wrote.</summary>
public class CidrTextTests
{
    [Theory]
    [InlineData("10.1.0.5/16")]
    [InlineData("0.0.0.0/0")]
    [InlineData("fd00::2/64")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128")]
    [InlineData("fd00:1234:5678:9abc:def0:1234:5678:9abc/64")]
    public void Text_round_trips_through_ToString_TryFormat_and_interpolation(string text)
    {
        var cidr = Cidr.Parse(text);
        var expected = $"{cidr.Address}/{cidr.PrefixLength}";
        Assert.Equal(expected, cidr.ToString());
        Assert.Equal($"dev 3 {expected} (add)", $"dev 3 {cidr} (add)");
        Span<char> exact = stackalloc char[expected.Length];
        Assert.True(cidr.TryFormat(exact, out int written, default, null));
        Assert.Equal(expected, new string(exact[..written]));
        Assert.Equal(cidr, Cidr.Parse(cidr.ToString()));
    }

    [Fact]
    public void TryFormat_reports_a_buffer_too_small_instead_of_writing_part()
    {
        var cidr = new Cidr(IPAddress.Parse("10.200.30.40"), 24);
        Span<char> small = stackalloc char["10.200.30.40/24".Length - 1];
        Assert.False(cidr.TryFormat(small, out int written, default, null));
        Assert.Equal(0, written);
        Span<char> noRoomForSlash = stackalloc char["10.200.30.40".Length];
        Assert.False(cidr.TryFormat(noRoomForSlash, out _, default, null));
    }
}
