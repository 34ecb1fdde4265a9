using System.Net.NetworkInformation;
using Cni.Linux.Net;

namespace Cni.Plugins.Bridge;

/// <summary>Whose rules these are: every rule is tagged with it, so removal and GC are exact.</summary>
public readonly record struct RuleOwner(string Network, string ContainerId, string IfName);

/// <summary>
/// The firewall operations the bridge needs (ipMasq and macspoofchk), shaped like Cni.Linux.Firewall's
/// IFirewall so <see cref="FirewallAdapter"/> is a one-to-one mapping, and injectable so tests can use a fake.
/// Removal of something already gone is success.
/// </summary>
public interface IBridgeFirewall
{
    void AddMasquerade(RuleOwner owner, IReadOnlyList<Cidr> containerAddresses);
    void RemoveMasquerade(RuleOwner owner);
    void AddMacSpoofCheck(RuleOwner owner, string hostIfName, PhysicalAddress mac);
    void RemoveMacSpoofCheck(RuleOwner owner);
    /// <summary>Removes this network's rules whose (containerID, ifname) is not in <paramref name="valid"/>.</summary>
    void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid);
}
