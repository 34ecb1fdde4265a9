using Cni.Linux.Netlink;
using Cni.Sdk;
using Cni.Sdk.Iface;

namespace Cni.Plugins.Macvlan;

/// <summary>
/// Gives a container a macvlan on a host interface (the reference `macvlan` plugin). The engine - creation
/// straight in the container, IPAM, rollback, DEL/CHECK/GC/STATUS, VLAN masters - is shared with ipvlan in
/// <see cref="ParentLinkPlugin{TConfig}"/>; this class says what a macvlan is.
/// </summary>
public sealed class MacvlanPlugin : ParentLinkPlugin<MacvlanConfig>
{
    /// <summary>The production plugin: IPAM binaries from CNI_PATH, VLAN records under /run.</summary>
    public MacvlanPlugin() : this(new ExecIpam(), new VlanParent())
    {
    }

    public MacvlanPlugin(IIpamInvoker ipam, VlanParent vlanParents) : base(ipam, vlanParents)
    {
    }

    protected override string Kind => "macvlan";

    protected override MacvlanConfig Load(CmdArgs args) => MacvlanConfig.Load(args);

    protected override LinkSpec Spec(MacvlanConfig config, string name, Link master) => new MacvlanLink
    {
        Name = name,
        ParentIndex = master.Index,
        Mode = config.Mode,
        Mtu = config.Mtu > 0 ? config.Mtu : null,
        Mac = config.Mac,
        // 0 means "not set", as in the reference: the kernel keeps its default.
        BcQueueLen = config.BcQueueLen > 0 ? config.BcQueueLen : null,
    };

    protected override string? Mismatch(MacvlanConfig config, Link link)
        => link.Info is MacvlanLink m && m.Mode != config.Mode
            ? $"macvlan mode is {MacvlanConfig.ModeName(m.Mode)}, config says {MacvlanConfig.ModeName(config.Mode)}"
            : null;
}
