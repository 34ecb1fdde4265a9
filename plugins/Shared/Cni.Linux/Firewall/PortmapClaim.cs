using System.Globalization;
using System.Net;

namespace Cni.Linux.Firewall;

/// <summary>
/// A host port held by one attachment, as recorded in the comment of its DNAT rule:
/// <c>&lt;owner tag&gt; pm &lt;4|6&gt; &lt;proto&gt; &lt;port&gt; &lt;hostIP|*&gt; ...</c>. Reading the comments
/// back is how ADD finds who already holds a port and how CHECK verifies the rules, with no state file.
/// </summary>
public sealed record PortmapClaim(string OwnerTag, int Family, string Protocol, int HostPort, IPAddress? HostIp)
{
    private const int TagLength = 37; // FirewallOwner.Tag: "cni-" + 16 hex + "-" + 16 hex

    /// <summary>The comment text after the owner tag: " pm 4 tcp 8080 *".</summary>
    public string Describe() => $" pm {Family} {Protocol} {HostPort} {(HostIp?.ToString() ?? "*")}";

    /// <summary>
    /// Two claims collide when they would catch the same packets: same family, protocol and port, and either
    /// one listens on every address or both name the same one.
    /// </summary>
    public bool Overlaps(PortmapClaim other)
        => Family == other.Family && Protocol == other.Protocol && HostPort == other.HostPort
           && (HostIp is null || other.HostIp is null || HostIp.Equals(other.HostIp));

    public override string ToString()
        => $"{Protocol}/{HostPort} on {(HostIp?.ToString() ?? (Family == 4 ? "0.0.0.0" : "[::]"))}";

    /// <summary>Parses a rule comment we wrote; null for anything else (other rules, masquerade rules).</summary>
    public static PortmapClaim? TryParse(string? comment)
    {
        if (comment is null || comment.Length <= TagLength || !comment.StartsWith(FirewallOwner.CommentPrefix, StringComparison.Ordinal))
            return null;
        var parts = comment[TagLength..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 5 || parts[0] != "pm") return null;
        if (parts[1] is not ("4" or "6") || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int port)) return null;
        IPAddress? hostIp = null;
        if (parts[4] != "*" && !IPAddress.TryParse(parts[4], out hostIp)) return null;
        return new PortmapClaim(comment[..TagLength], parts[1] == "4" ? 4 : 6, parts[2], port, hostIp);
    }
}
