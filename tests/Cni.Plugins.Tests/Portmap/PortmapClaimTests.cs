using System.Net;
using Cni.Linux.Firewall;

namespace Cni.Plugins.Tests.Portmap;

/// <summary>
/// The port claim recorded in each DNAT rule's comment (no root needed): what DEL, CHECK and the clash check
/// read back, so its text form and overlap rule are pinned here.
/// </summary>
public sealed class PortmapClaimTests
{
    private static readonly FirewallOwner Owner = new("pmnet", "ctr1", "eth0");

    [Fact]
    public void ACommentRoundTripsItsClaim()
    {
        var entry = new PortmapEntry("udp", 8053, IPAddress.Parse("fd00::2"), 53, IPAddress.Parse("fd77::1"));
        var claim = entry.Claim(Owner.Tag);
        string comment = Owner.Tag + claim.Describe() + " net: pmnet id: ctr1 if: eth0";
        Assert.Equal(Owner.Tag + " pm 6 udp 8053 fd77::1 net: pmnet id: ctr1 if: eth0", comment);
        Assert.Equal(claim, PortmapClaim.TryParse(comment));
        Assert.Equal(new PortmapClaim(Owner.Tag, 4, "tcp", 80, null), PortmapClaim.TryParse(Owner.Tag + " pm 4 tcp 80 * net: x"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("some admin rule")]
    [InlineData("cni-0123456789abcdef-0123456789abcdef masq hairpin net: pmnet")]
    [InlineData("cni-0123456789abcdef-0123456789abcdef pm 5 tcp 80 *")]
    [InlineData("cni-0123456789abcdef-0123456789abcdef pm 4 tcp port *")]
    [InlineData("cni-0123456789abcdef-0123456789abcdef pm 4 tcp 80 not-an-ip")]
    public void OtherCommentsAreNotClaims(string? comment) => Assert.Null(PortmapClaim.TryParse(comment));

    [Theory]
    [InlineData(4, "tcp", 80, null, 4, "tcp", 80, null, true)]
    [InlineData(4, "tcp", 80, "10.0.0.1", 4, "tcp", 80, null, true)]      // specific vs wildcard
    [InlineData(4, "tcp", 80, "10.0.0.1", 4, "tcp", 80, "10.0.0.1", true)]
    [InlineData(4, "tcp", 80, "10.0.0.1", 4, "tcp", 80, "10.0.0.2", false)] // two different host addresses
    [InlineData(4, "tcp", 80, null, 4, "udp", 80, null, false)]
    [InlineData(4, "tcp", 80, null, 4, "tcp", 81, null, false)]
    [InlineData(4, "tcp", 80, null, 6, "tcp", 80, null, false)]           // families are separate tables of ports
    public void OverlapRule(int f1, string p1, int port1, string? ip1, int f2, string p2, int port2, string? ip2, bool overlaps)
    {
        var a = new PortmapClaim("a", f1, p1, port1, ip1 is null ? null : IPAddress.Parse(ip1));
        var b = new PortmapClaim("b", f2, p2, port2, ip2 is null ? null : IPAddress.Parse(ip2));
        Assert.Equal(overlaps, a.Overlaps(b));
        Assert.Equal(overlaps, b.Overlaps(a));
    }
}
