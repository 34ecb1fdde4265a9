using Cni.Linux.Netlink;
using Cni.Linux.Netns;

namespace Cni.Sdk.Iface;

/// <summary>
/// The common engine of plugins that give a container a link stacked on a host "master" (macvlan, ipvlan):
/// resolve or create the master, create the link as CNI_IFNAME directly inside the container namespace,
/// configure IPAM's addresses. ADD is a transaction (link, lease and a VLAN master we created are
/// all undone when a later step fails; the reference leaks the link). A subclass supplies its kind's
/// <see cref="LinkSpec"/>, its config, and the kind-specific CHECK. DEL/GC/STATUS/CHECK are in the partials.
/// </summary>
public abstract partial class ParentLinkPlugin<TConfig> : ICniPlugin where TConfig : ParentLinkConfig
{
    protected IIpamInvoker Ipam { get; }
    protected VlanParent VlanParents { get; }

    protected ParentLinkPlugin(IIpamInvoker ipam, VlanParent vlanParents)
    {
        Ipam = ipam;
        VlanParents = vlanParents;
    }

    /// <summary>"macvlan" / "ipvlan": the IFLA_INFO_KIND, also used in messages.</summary>
    protected abstract string Kind { get; }

    protected abstract TConfig Load(CmdArgs args);

    /// <summary>The link to create on <paramref name="master"/> as <paramref name="name"/> (CNI_IFNAME, or a temporary name).</summary>
    protected abstract LinkSpec Spec(TConfig config, string name, Link master);

    /// <summary>CHECK of the kind's settings (mode, flags) on the container link; null when they match.</summary>
    protected abstract string? Mismatch(TConfig config, Link link);

    /// <summary>A master taken from prevResult when chained (ipvlan), or null.</summary>
    protected virtual string? ChainedMaster(TConfig config) => null;

    /// <summary>Addresses taken from prevResult instead of IPAM when chained (ipvlan), or null.</summary>
    protected virtual Result? ChainedResult(TConfig config) => null;

    public Result Add(CmdArgs args)
    {
        var config = Load(args);
        var chained = config.HasIpam ? null : ChainedResult(config);
        if (!config.HasIpam && (chained?.Ips.Count ?? 0) == 0 && CniVersions.Compare(config.Net.CniVersion, "0.3.0") < 0)
            throw new CniException(CniErrorCode.IncompatibleVersion,
                $"cniVersion {config.Net.CniVersion} cannot express a result without IP addresses; use 0.3.0 or later for {Kind} without IPAM");

        using var containerNs = ContainerNetns.Open(args);
        using var hostNl = RouteNetlink.Open();
        using var containerNl = RouteNetlink.OpenIn(containerNs);
        using var rollback = new Rollback();
        if (containerNl.TryGetLink(args.IfName, out _))
            throw new CniException(CniErrorCode.Internal, $"{Kind}: interface {args.IfName} already exists in {args.Netns}");

        var masterNl = config.LinkInContainer ? containerNl : hostNl;
        var master = AcquireMaster(config, masterNl, args, rollback);
        ParentMaster.CheckMtu(config, master, Kind);

        // The IPAM delegate (a process: its start-up is most of an ADD) runs while this thread makes the link.
        // A failed ADD waits for it and releases the lease it got. It is spawned from this thread, in the host's
        // netns, where the delegate must run.
        IpamCall<Result>? ipam = null;
        if (config.HasIpam)
        {
            ipam = Ipam.StartAdd(args);
            rollback.Add("IPAM DEL", () => { if (ipam.Succeeded()) Ipam.Del(args); });
        }

        var link = CreateInContainer(config, master, hostNl, containerNs, containerNl, args.IfName, rollback);
        // The kernel announces the new addresses itself (gratuitous ARP, unsolicited NA) once the link is up.
        IfaceConfigurator.EnableArpNotify(containerNl, link.Index);
        containerNs.Run(() => IfaceConfigurator.TryWriteIfDifferent($"net/ipv6/conf/{args.IfName}/ndisc_notify", "1"));

        Result result;
        if (ipam != null)
        {
            result = ipam.Finish();
            if (result.Ips.Count == 0)
                throw new CniException(CniErrorCode.Internal, $"IPAM plugin {config.Net.Ipam!.Type} returned no IP configuration");
        }
        else
        {
            result = chained?.Clone() ?? new Result();
        }
        result.Interfaces = [new Interface { Name = args.IfName, Mac = FormatMac(link), Sandbox = args.Netns }];
        foreach (var ip in result.Ips) ip.Interface = 0;

        if (result.Ips.Count > 0) IfaceConfigurator.Configure(containerNs, containerNl, args.IfName, result);
        else containerNl.SetLinkUp(link.Index);

        result.Interfaces[0].Mac = FormatMac(containerNl.GetLink(link.Index));
        // The config's dns wins; without one, IPAM's (host-local resolvConf, static dns) is kept.
        if (config.Net.Dns is { IsEmpty: false } dns) result.Dns = dns.ToResult();
        rollback.Commit();
        return result;
    }

    /// <summary>
    /// The master link: configured, chained or default-route. A missing one named like "eth0.10" becomes a
    /// VLAN of eth0 (host side only), released again if this ADD fails.
    /// </summary>
    private Link AcquireMaster(TConfig config, RouteNetlink masterNl, CmdArgs args, Rollback rollback)
    {
        string name = ParentMaster.Name(config, masterNl, ChainedMaster(config), Kind);
        Link? master;
        if (config.LinkInContainer)
        {
            masterNl.TryGetLink(name, out master);
        }
        else
        {
            var user = User(config, args);
            master = VlanParents.Acquire(masterNl, name, user);
            if (master != null) rollback.Add($"release VLAN parent {name}", () => VlanParents.Release(masterNl, name, user));
        }
        return master ?? throw new CniException(CniErrorCode.InvalidNetworkConfig,
            $"{Kind}: master {name} not found {(config.LinkInContainer ? "in the container" : "on the host")}");
    }

    /// <summary>
    /// Creates the link as <paramref name="ifName"/> straight inside the container, and registers its deletion
    /// on <paramref name="rollback"/>. With linkInContainer the master is there, so the container's socket makes
    /// it; otherwise the host socket sends the request with the container's netns fd (IFLA_NET_NS_FD), as the
    /// reference does: no device is ever moved between namespaces (a move waits for an RCU grace period, ~20 ms)
    /// and none is ever visible on the host. The name is free in the container (checked by ADD); see
    /// <see cref="CreateRenamed"/> for kernels that still refuse it because the host has a link of that name.
    /// </summary>
    private Link CreateInContainer(TConfig config, Link master, RouteNetlink hostNl, NetNs containerNs,
        RouteNetlink containerNl, string ifName, Rollback rollback)
    {
        var spec = Spec(config, ifName, master);
        // Registered by name before the request: if the kernel creates the link but reading it back fails, the
        // link must still go. The name is free in the container (ADD checked), so nothing else can match it.
        rollback.Add($"delete {Kind} {ifName}", () => TryDeleteNamed(containerNl, ifName));
        Link created;
        try
        {
            created = config.LinkInContainer ? containerNl.CreateLink(spec) : hostNl.CreateLinkIn(spec, containerNs, containerNl);
        }
        catch (NetlinkException e) when (!config.LinkInContainer && e.ErrnoName == "EEXIST" && !containerNl.TryGetLink(ifName, out _))
        {
            return CreateRenamed(config, master, hostNl, containerNs, containerNl, ifName, rollback);
        }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to create {Kind} {ifName} on {master.Name} in {containerNs.Path}", e.Message, e);
        }
        return created;
    }

    /// <summary>
    /// The fallback for kernels before about 6.14, which look a new link's name up in the namespace of the
    /// socket that asks (the host) even when it is created elsewhere: a host link called like CNI_IFNAME (eth0
    /// on most hosts) makes the direct create fail with EEXIST. The link is then created in the container under
    /// a random temporary name that cannot clash and renamed there, still without a move.
    /// </summary>
    private Link CreateRenamed(TConfig config, Link master, RouteNetlink hostNl, NetNs containerNs,
        RouteNetlink containerNl, string ifName, Rollback rollback)
    {
        string temp = TemporaryName();
        // Until the rename succeeds the link answers to the temporary name (the caller's rollback covers ifName).
        rollback.Add($"delete {Kind} {temp}", () => TryDeleteNamed(containerNl, temp));
        Link created;
        try
        {
            created = hostNl.CreateLinkIn(Spec(config, temp, master), containerNs, containerNl);
        }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to create {Kind} {temp} on {master.Name} in {containerNs.Path}", e.Message, e);
        }
        try { containerNl.SetLinkName(created.Index, ifName); }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to rename {Kind} {temp} to {ifName} in {containerNs.Path}", e.Message, e);
        }
        return containerNl.GetLink(created.Index);
    }

    /// <summary>
    /// "cni" + 10 random hex digits: 13 characters, under IFNAMSIZ, recognisable if ever left behind. Not a
    /// secret, so not the CSPRNG: on Linux that loads OpenSSL, which costs start-up time and is absent from
    /// minimal hosts (the test VM has none).
    /// </summary>
    private static string TemporaryName()
    {
        Span<byte> b = stackalloc byte[5];
        Random.Shared.NextBytes(b);
        return "cni" + Convert.ToHexStringLower(b);
    }

    protected static VlanParent.User User(TConfig config, CmdArgs args) => new(config.Net.Name, args.ContainerId, args.IfName);

    public static string? FormatMac(Link link)
        => link.Mac is { } mac ? string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2"))) : null;

    private static void TryDelete(RouteNetlink nl, int index)
    {
        try { nl.DeleteLink(index); }
        catch (LinkNotFoundException) { }
    }

    private static void TryDeleteNamed(RouteNetlink nl, string name)
    {
        if (nl.TryGetLink(name, out var link)) TryDelete(nl, link.Index);
    }
}
