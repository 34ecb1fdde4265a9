using System.Text;
using Cni.Linux.Net;

namespace Cni.Linux.Firewall;

/// <summary>
/// What the forward firewall programs for one attachment: accept rules for each container address
/// (established/related in, everything out) and, unless the policy is open, isolation rules for its bridge.
/// </summary>
public sealed record ForwardAttachment
{
    private const int IfNameSize = 16;

    public ForwardAttachment(FirewallOwner owner, IReadOnlyList<Cidr> addresses, string? bridge, ForwardIngressPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (policy != ForwardIngressPolicy.Open && !IsInterfaceName(bridge))
            throw new ArgumentException($"ingressPolicy {policy} needs the bridge's interface name, got '{bridge}'", nameof(bridge));
        Owner = owner;
        Addresses = addresses;
        Bridge = bridge;
        Policy = policy;
    }

    public FirewallOwner Owner { get; }
    public IReadOnlyList<Cidr> Addresses { get; }
    /// <summary>The bridge the container hangs off; needed only when <see cref="Policy"/> is not open.</summary>
    public string? Bridge { get; }
    public ForwardIngressPolicy Policy { get; }

    public bool HasFamily(bool ipv6) => Addresses.Any(a => a.IsIPv4 != ipv6);

    /// <summary>1..15 bytes, no '/', whitespace or NUL: what the kernel accepts as a link name.</summary>
    public static bool IsInterfaceName(string? name)
        => !string.IsNullOrEmpty(name) && Encoding.UTF8.GetByteCount(name) < IfNameSize && name is not ("." or "..")
           && !name.Any(c => c is '/' or ':' or '\0' || char.IsWhiteSpace(c));
}
