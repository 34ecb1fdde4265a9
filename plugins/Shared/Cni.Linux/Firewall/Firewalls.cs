namespace Cni.Linux.Firewall;

/// <summary>Picks the firewall backend (`ipMasqBackend`); see Firewall/README.md for the rule.</summary>
public static class Firewalls
{
    public const string Nftables = "nftables";
    public const string Iptables = "iptables";

    /// <summary>
    /// "nftables" or "iptables" as configured; null/empty = automatic: iptables only when legacy iptables
    /// already holds a nat table in the calling thread's namespace (the host's NAT is iptables-managed and
    /// its rules should stay in one place), otherwise nftables. Works in the calling thread's netns.
    /// Throws <see cref="ArgumentException"/> for any other value (a plugin reports it as invalid config).
    /// </summary>
    public static IFirewall Create(string? backend) => backend switch
    {
        null or "" => IsLegacyIptablesNatInUse() ? new IptablesFirewall() : new NftFirewall(),
        Nftables => new NftFirewall(),
        Iptables => new IptablesFirewall(),
        _ => throw new ArgumentException($"unknown ipMasqBackend \"{backend}\" (expected \"nftables\" or \"iptables\")", nameof(backend)),
    };

    /// <summary>
    /// /proc/thread-self/net/ip_tables_names lists the x_tables (legacy) tables instantiated in this thread's
    /// namespace; iptables-nft does not appear there. One small read, no exec, so ADD stays fast.
    /// </summary>
    internal static bool IsLegacyIptablesNatInUse()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/thread-self/net/ip_tables_names"))
                if (line.Trim() == "nat") return true;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return false;
    }
}
