using Cni.Linux.FileSystem;

namespace Cni.Linux.Firewall;

/// <summary>
/// The portmap policy: publish an attachment's ports (DNAT from the host's addresses, plus the masquerade
/// hairpin and localhost traffic need), remove them by owner tag, and collect stale ones. Works in the calling
/// thread's network namespace, like <see cref="IFirewall"/>. Every rule carries the owner's tag and, on DNAT
/// rules, the claimed port (<see cref="PortmapClaim"/>), so DEL needs neither runtimeConfig nor the netns.
/// </summary>
public abstract class PortmapFirewall
{
    public const string Nftables = "nftables";
    public const string Iptables = "iptables";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public abstract string Backend { get; }

    /// <summary>"nftables" or "iptables"; anything else is an <see cref="ArgumentException"/>.</summary>
    public static PortmapFirewall Create(string backend) => backend switch
    {
        Nftables => new PortmapNftables(),
        Iptables => new PortmapIptables(),
        _ => throw new ArgumentException($"unknown portmap backend \"{backend}\" (expected \"nftables\" or \"iptables\")", nameof(backend)),
    };

    /// <summary>
    /// Publishes <paramref name="spec"/> for <paramref name="owner"/>, replacing whatever the owner had. Throws
    /// <see cref="PortmapConflictException"/> (and changes nothing) when another attachment holds one of the ports.
    /// </summary>
    public abstract void Add(FirewallOwner owner, PortmapSpec spec);

    /// <summary>Removes every rule of <paramref name="owner"/>; nothing there is success.</summary>
    public abstract void Remove(FirewallOwner owner);

    /// <summary>The ports <paramref name="owner"/> holds, read back from the rules (for CHECK).</summary>
    public abstract IReadOnlyList<PortmapClaim> Claims(FirewallOwner owner);

    /// <summary>Removes the rules of <paramref name="network"/>'s attachments not in <paramref name="valid"/>.</summary>
    public abstract void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid);

    /// <summary>
    /// Serialises ADDs in this network namespace, so "is the port free?" and "take it" happen as one step.
    /// The lock is a flock on the namespace's own nsfs inode: it needs no file of ours, and two ADDs in
    /// different namespaces (which cannot collide) never wait for each other.
    /// </summary>
    protected static FileLock LockNamespace() => FileLock.Acquire("/proc/thread-self/ns/net", LockTimeout);

    /// <summary>Throws when a claim of <paramref name="spec"/> overlaps one held by a different owner.</summary>
    protected static void EnsureFree(FirewallOwner owner, PortmapSpec spec, IEnumerable<(PortmapClaim Claim, string Comment)> held)
    {
        var others = held.Where(h => h.Claim.OwnerTag != owner.Tag).ToList();
        foreach (var entry in spec.Entries)
        {
            var want = entry.Claim(owner.Tag);
            foreach (var (claim, comment) in others)
                if (want.Overlaps(claim)) throw new PortmapConflictException(want, comment);
        }
    }

    internal static HashSet<string> KeepSet(IReadOnlyCollection<(string ContainerId, string IfName)> valid)
        => new(valid.Select(v => FirewallOwner.AttachmentHash(v.ContainerId, v.IfName)), StringComparer.Ordinal);
}
