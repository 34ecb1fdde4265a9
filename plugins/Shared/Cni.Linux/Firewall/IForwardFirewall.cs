namespace Cni.Linux.Firewall;

/// <summary>
/// The firewall plugin's policy (per-container forward accepts, bridge isolation), independent of the backend.
/// Every method works in the calling thread's network namespace. Rules carry the owner's comment tag, so
/// removal needs neither the addresses nor the bridge (DEL works without prevResult or netns).
/// </summary>
public interface IForwardFirewall
{
    /// <summary>"nftables" or "iptables".</summary>
    string Backend { get; }

    /// <summary>Adds the attachment's rules; on failure nothing of this call stays behind.</summary>
    void Add(ForwardAttachment attachment);

    /// <summary>Removes every rule of <paramref name="owner"/> (isolation included); nothing there is success.</summary>
    void Remove(FirewallOwner owner);

    /// <summary>
    /// CHECK: throws <see cref="FirewallException"/> naming what is missing when fewer of the owner's rules are
    /// present than <see cref="Add"/> writes for <paramref name="attachment"/>.
    /// </summary>
    void Verify(ForwardAttachment attachment);

    /// <summary>GC: removes rules of <paramref name="network"/> whose owner is not in <paramref name="valid"/>.</summary>
    void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid);
}
