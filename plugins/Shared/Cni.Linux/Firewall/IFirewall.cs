using System.Net.NetworkInformation;
using Cni.Linux.Net;

namespace Cni.Linux.Firewall;

/// <summary>
/// The firewall policy the plugins need, independent of the backend (nftables or iptables). Every method
/// is one atomic change per call, in the network namespace of the thread that made the first call (nftables
/// opens its socket then and keeps it until Dispose). Dispose as late as convenient: closing an nftables socket
/// that deleted rules waits for an RCU grace period (10-15 ms), which overlaps other kernel work (a veth
/// delete) when the close comes after it.
/// </summary>
public interface IFirewall : IDisposable
{
    /// <summary>The backend's name as configured: "nftables" or "iptables".</summary>
    string Backend { get; }

    /// <summary>
    /// Masquerade traffic from each container address leaving its own subnet (not multicast), as the
    /// reference ipMasq. Addresses of both families may be mixed.
    /// </summary>
    void AddMasquerade(FirewallOwner owner, IReadOnlyList<Cidr> containerAddresses);

    /// <summary>Exact: removes this owner's rules only (found by tag, no addresses needed); nothing there is success.</summary>
    void RemoveMasquerade(FirewallOwner owner);

    /// <summary>bridge macspoofchk: frames from <paramref name="hostIfName"/> must carry <paramref name="mac"/> as source, else drop.</summary>
    void AddMacSpoofCheck(FirewallOwner owner, string hostIfName, PhysicalAddress mac);

    /// <summary>Removes this owner's spoof-check rules; nothing there is success.</summary>
    void RemoveMacSpoofCheck(FirewallOwner owner);

    /// <summary>Removes rules of <paramref name="network"/> whose owner is not in <paramref name="valid"/> (GC).</summary>
    void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid);
}
