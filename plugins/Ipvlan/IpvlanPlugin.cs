using Cni.Linux.Netlink;
using Cni.Sdk;
using Cni.Sdk.Iface;

namespace Cni.Plugins.Ipvlan;

/// <summary>
/// Gives a container an ipvlan on a host interface (the reference `ipvlan` plugin), plus the ipvlan flags
/// the reference lacks. Chained after another plugin it takes, like the reference, its master from the single
/// interface of prevResult and, without an IPAM type, its addresses from prevResult. The shared engine is
/// <see cref="ParentLinkPlugin{TConfig}"/>.
/// </summary>
public sealed class IpvlanPlugin : ParentLinkPlugin<IpvlanConfig>
{
    public IpvlanPlugin() : this(new ExecIpam(), new VlanParent())
    {
    }

    public IpvlanPlugin(IIpamInvoker ipam, VlanParent vlanParents) : base(ipam, vlanParents)
    {
    }

    protected override string Kind => "ipvlan";

    protected override IpvlanConfig Load(CmdArgs args) => IpvlanConfig.Load(args);

    protected override LinkSpec Spec(IpvlanConfig config, string name, Link master) => new IpvlanLink
    {
        Name = name,
        ParentIndex = master.Index,
        Mode = config.Mode,
        Flags = config.Flags,
        Mtu = config.Mtu > 0 ? config.Mtu : null,
    };

    protected override string? Mismatch(IpvlanConfig config, Link link)
    {
        if (link.Info is not IpvlanLink i) return null;
        if (i.Mode != config.Mode) return $"ipvlan mode is {IpvlanConfig.ModeName(i.Mode)}, config says {IpvlanConfig.ModeName(config.Mode)}";
        if (i.Flags != config.Flags) return $"ipvlan flags are {IpvlanConfig.FlagsName(i.Flags)}, config says {IpvlanConfig.FlagsName(config.Flags)}";
        return null;
    }

    /// <summary>With no master configured, the single named interface of prevResult is the master (the reference's chaining).</summary>
    protected override string? ChainedMaster(IpvlanConfig config)
    {
        if (config.Master != null || config.Net.PrevResult is not { } prev) return null;
        if (prev.Interfaces.Count != 1 || string.IsNullOrEmpty(prev.Interfaces[0].Name))
            throw new CniException(CniErrorCode.InvalidNetworkConfig,
                "ipvlan: no master configured and prevResult does not name exactly one interface to use as master");
        return prev.Interfaces[0].Name;
    }

    /// <summary>Without an IPAM type, prevResult's addresses and routes are the result (nothing is allocated).</summary>
    protected override Result? ChainedResult(IpvlanConfig config)
        => config.Net.PrevResult is { Ips.Count: > 0 } prev ? prev.Clone() : null;
}
