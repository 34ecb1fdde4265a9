namespace Cni.Linux.Firewall;

/// <summary>Picks the firewall plugin's backend (`backend` key); see plugins/Firewall/README.md for the rule.</summary>
public static class ForwardFirewalls
{
    /// <summary>The reference's admin chain: consulted first, where an administrator's overrides go.</summary>
    public const string DefaultAdminChain = "CNI-ADMIN";

    /// <summary>
    /// "nftables" or "iptables" as configured; null/empty = automatic: iptables only when legacy iptables holds
    /// a filter table in the calling thread's namespace (the host's forwarding policy is legacy-iptables
    /// managed), otherwise nftables. Anything else is an <see cref="ArgumentException"/>.
    /// </summary>
    public static IForwardFirewall Create(string? backend, string adminChain = DefaultAdminChain) => backend switch
    {
        null or "" => ForwardChainProbe.LegacyTableExists(ipv6: false, "filter")
            ? new ForwardIptablesFirewall(adminChain)
            : new ForwardNftFirewall(),
        Firewalls.Nftables => new ForwardNftFirewall(),
        Firewalls.Iptables => new ForwardIptablesFirewall(adminChain),
        _ => throw new ArgumentException($"unknown firewall backend \"{backend}\" (expected \"nftables\" or \"iptables\")", nameof(backend)),
    };
}
