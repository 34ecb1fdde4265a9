using System.Net.NetworkInformation;
using Cni.Linux.Net;
using Cni.Sdk;

namespace Cni.Plugins.Bridge;

/// <summary>
/// Maps <see cref="IBridgeFirewall"/> onto the shared firewall engine (Cni.Linux.Firewall: native nftables
/// over netlink, or one iptables-restore batch). Until that engine is part of the build, adding a rule fails
/// with code 2 naming the key (checked before ADD creates anything) and removing or collecting is a no-op:
/// without an engine this plugin cannot have programmed a rule, so there is nothing of ours to remove.
/// </summary>
public sealed class FirewallAdapter : IBridgeFirewall
{
    private readonly string? _backend;

    /// <param name="backend">"nftables", "iptables" or null for auto (the config's ipMasqBackend).</param>
    public FirewallAdapter(string? backend) => _backend = backend;

    /// <summary>Whether the shared firewall engine is in this build.</summary>
    public static bool IsAvailable => false;

    public void AddMasquerade(RuleOwner owner, IReadOnlyList<Cidr> containerAddresses) => throw Unavailable("ipMasq");
    public void RemoveMasquerade(RuleOwner owner) { }
    public void AddMacSpoofCheck(RuleOwner owner, string hostIfName, PhysicalAddress mac) => throw Unavailable("macspoofchk");
    public void RemoveMacSpoofCheck(RuleOwner owner) { }
    public void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid) { }

    internal static CniException Unavailable(string key)
        => new(CniErrorCode.UnsupportedField, $"\"{key}\" is not supported by this build: the firewall engine is not available yet");

    public override string ToString() => "firewall(" + (_backend ?? "auto") + ")";
}
