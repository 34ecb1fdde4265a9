using Cni.Linux.Firewall;
using Cni.Linux.Netlink;
using Cni.Sdk;

namespace Cni.Plugins.Firewall;

/// <summary>
/// Chained plugin that lets a container's traffic through the host's forwarding path (established/related in,
/// everything out) and, with <c>ingressPolicy</c>, isolates its bridge. nftables natively by default, iptables
/// on request; either way the accepts also land where an iptables FORWARD DROP sits (README.md). Every rule
/// carries the attachment's owner tag: DEL needs no prevResult or netns, GC drops rules of vanished
/// attachments, and a bridge's isolation goes with its last attachment. Works in the plugin's own (host)
/// namespace; it never enters the container's.
/// </summary>
public sealed class FirewallPlugin : ICniPlugin
{
    /// <summary>As the reference firewall: 0.4.0 and later only (the spec version that brought CHECK and prevResult on DEL).</summary>
    public IReadOnlyList<string> SupportedVersions { get; } = ["0.4.0", "1.0.0", "1.1.0"];

    public Result Add(CmdArgs args)
    {
        var cfg = FirewallConfig.Load(args);
        var attachment = cfg.Attachment(args);
        Run("ADD", () => Backend(cfg).Add(attachment));
        return cfg.Net.PrevResult!;
    }

    public void Del(CmdArgs args)
    {
        var cfg = FirewallConfig.Load(args);
        Run("DEL", () => Backend(cfg).Remove(cfg.Owner(args)));
    }

    public void Check(CmdArgs args)
    {
        var cfg = FirewallConfig.Load(args);
        var attachment = cfg.Attachment(args);
        Run("CHECK", () => Backend(cfg).Verify(attachment));
    }

    /// <summary>Removes this network's rules whose attachment is not valid; an absent list removes nothing.</summary>
    public void Gc(CmdArgs args)
    {
        var cfg = FirewallConfig.Load(args);
        if (cfg.Net.ValidAttachments is not { } valid) return;
        Run("GC", () => Backend(cfg).Collect(cfg.Net.Name, valid.Select(a => (a.ContainerId, a.IfName)).ToList()));
    }

    private static IForwardFirewall Backend(FirewallConfig cfg)
    {
        try
        {
            return ForwardFirewalls.Create(cfg.Backend, cfg.AdminChain);
        }
        catch (ArgumentException e)
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, e.Message);
        }
    }

    /// <summary>Kernel and tool failures become 999 with the operation named; nothing else is translated.</summary>
    private static void Run(string verb, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is NetlinkException or FirewallException)
        {
            throw new CniException(CniErrorCode.Internal, $"firewall {verb}: {e.Message}", e.ToString());
        }
    }
}
