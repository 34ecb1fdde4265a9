using Cni.Linux.Firewall;
using Cni.Linux.Net;
using Cni.Sdk;

namespace Cni.Plugins.Portmap;

/// <summary>
/// Chained plugin that publishes container ports on the host (runtimeConfig.portMappings): DNAT from the host's
/// addresses (other hosts, the host itself, 127.0.0.1) plus the masquerade hairpin and localhost need. Beyond
/// the reference: DEL needs no portMappings (rules are found by owner tag), a port another attachment holds is
/// refused, GC removes stale attachments' rules, and each ADD is one atomic netlink batch. See README.md.
/// </summary>
public sealed class PortmapPlugin : ICniPlugin
{
    public Result Add(CmdArgs args)
    {
        var cfg = PortmapConfig.Load(args);
        var prev = cfg.Net.PrevResult
            ?? throw new CniException(CniErrorCode.InvalidNetworkConfig, "portmap: required prevResult missing",
                "portmap is a chained plugin: it publishes ports of the interface an earlier plugin created");
        var spec = BuildSpec(cfg, PortmapConfig.ContainerAddresses(prev, args.IfName));
        if (spec.Entries.Count == 0) return prev; // nothing to publish: pass the result on untouched

        var fw = Firewall(cfg.Backend);
        var owner = Owner(args);
        using var rb = new Rollback();
        try
        {
            fw.Add(owner, spec);
        }
        catch (PortmapConflictException e)
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "portmap: " + e.Message,
                "remove the other mapping first, or publish a different host port or hostIP");
        }
        catch (ArgumentException e)
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, e.Message);
        }
        rb.Add("remove the portmap rules", () => fw.Remove(owner));

        if (spec.Snat && spec.AddressFor(ipv4: true) is { } v4 && spec.Entries.Any(e => e.IsIPv4))
            PortmapLocalnet.Enable(v4);
        PortmapConntrackFlush.Run(spec);
        rb.Commit();
        return prev;
    }

    /// <summary>Removes this attachment's rules by owner tag: no runtimeConfig, prevResult or netns needed.</summary>
    public void Del(CmdArgs args)
    {
        var fw = Firewall(PortmapConfig.LoadBackend(args));
        fw.Remove(Owner(args));
    }

    /// <summary>Every mapping of runtimeConfig must be programmed for this attachment, in both hooks.</summary>
    public void Check(CmdArgs args)
    {
        var cfg = PortmapConfig.Load(args);
        var prev = cfg.Net.PrevResult
            ?? throw new CniException(CniErrorCode.InvalidNetworkConfig, "portmap: required prevResult missing");
        var spec = BuildSpec(cfg, PortmapConfig.ContainerAddresses(prev, args.IfName));
        var owner = Owner(args);
        var held = Firewall(cfg.Backend).Claims(owner).ToHashSet();
        var missing = spec.Entries.Select(e => e.Claim(owner.Tag)).Where(c => !held.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new CniException(CniErrorCode.Internal, $"portmap: mappings not programmed: {string.Join(", ", missing)}");
    }

    /// <summary>Removes the rules of this network's attachments that are not in valid-attachments.</summary>
    public void Gc(CmdArgs args)
    {
        if (args.Config.ValidAttachments is not { } valid) return;
        Firewall(PortmapConfig.LoadBackend(args)).Collect(args.Config.Name, valid.Select(a => (a.ContainerId, a.IfName)).ToList());
    }

    /// <summary>One entry per mapping and container family; a hostIP of the other family is skipped, as in the reference.</summary>
    internal static PortmapSpec BuildSpec(PortmapConfig cfg, List<Cidr> addresses)
    {
        var entries = new List<PortmapEntry>();
        foreach (var address in addresses)
            foreach (var m in cfg.Mappings)
            {
                if (m.HostIp != null && m.HostIp.AddressFamily != address.Family) continue;
                var entry = new PortmapEntry(m.Protocol, m.HostPort, address.Address, m.ContainerPort, m.HostIp);
                if (!entries.Contains(entry)) entries.Add(entry);
            }
        return new PortmapSpec
        {
            Entries = entries,
            ContainerAddresses = addresses,
            Snat = cfg.Snat,
            MasqAll = cfg.MasqAll,
            MarkMasqBit = cfg.MarkMasqBit,
            ExternalSetMarkChain = cfg.ExternalSetMarkChain,
            ConditionsV4 = cfg.ConditionsV4,
            ConditionsV6 = cfg.ConditionsV6,
        };
    }

    private static FirewallOwner Owner(CmdArgs args) => new(args.Config.Name, args.ContainerId, args.IfName);

    private static PortmapFirewall Firewall(string backend) => PortmapFirewall.Create(backend);
}
