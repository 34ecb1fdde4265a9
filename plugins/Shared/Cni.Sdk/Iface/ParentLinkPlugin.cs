using Cni.Linux.Netlink;
using Cni.Linux.Netns;
using Cni.Linux.Sysctl;

namespace Cni.Sdk.Iface;

/// <summary>
/// The common engine of plugins that give a container a link stacked on a host "master" (macvlan, ipvlan):
/// resolve or create the master, create the link under a temporary name, move it into the container and
/// rename it, configure IPAM's addresses. ADD is a transaction (link, lease and a VLAN master we created are
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

    /// <summary>The link to create on <paramref name="master"/> under the temporary <paramref name="name"/>.</summary>
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

        var link = CreateInContainer(config, master, hostNl, containerNs, containerNl, args.IfName, rollback);

        Result result;
        if (config.HasIpam)
        {
            result = Ipam.Add(args);
            rollback.Add("IPAM DEL", () => Ipam.Del(args));
            if (result.Ips.Count == 0)
                throw new CniException(CniErrorCode.Internal, $"IPAM plugin {config.Net.Ipam!.Type} returned no IP configuration");
        }
        else
        {
            result = chained?.Clone() ?? new Result();
        }
        result.Interfaces = [new Interface { Name = args.IfName, Mac = FormatMac(link), Sandbox = args.Netns }];
        foreach (var ip in result.Ips) ip.Interface = 0;

        // The kernel announces the new addresses itself (gratuitous ARP, unsolicited NA) once the link is up.
        containerNs.Run(() =>
        {
            TrySysctl($"net/ipv4/conf/{args.IfName}/arp_notify", "1");
            TrySysctl($"net/ipv6/conf/{args.IfName}/ndisc_notify", "1");
        });
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
    /// Creates the link under a random temporary name (so it never clashes with a host interface called like
    /// CNI_IFNAME), in the container namespace, then renames it to <paramref name="ifName"/>. With
    /// linkInContainer the master is there already; otherwise the link is made next to the master and moved.
    /// </summary>
    private Link CreateInContainer(TConfig config, Link master, RouteNetlink hostNl, NetNs containerNs,
        RouteNetlink containerNl, string ifName, Rollback rollback)
    {
        string temp = TemporaryName();
        var spec = Spec(config, temp, master);
        var creator = config.LinkInContainer ? containerNl : hostNl;
        Link created;
        try
        {
            created = creator.CreateLink(spec);
        }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to create {Kind} on {master.Name}", e.Message, e);
        }
        if (!config.LinkInContainer)
        {
            try { hostNl.SetLinkNetNs(created.Index, containerNs); }
            catch (NetlinkException e)
            {
                TryDelete(hostNl, created.Index);
                throw new CniException(CniErrorCode.Internal, $"failed to move {Kind} {temp} into {containerNs.Path}", e.Message, e);
            }
        }
        var inside = containerNl.GetLink(temp);
        rollback.Add($"delete {Kind} {ifName}", () => TryDelete(containerNl, inside.Index));
        try { containerNl.SetLinkName(inside.Index, ifName); }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to rename {Kind} {temp} to {ifName}", e.Message, e);
        }
        return containerNl.GetLink(inside.Index);
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

    /// <summary>Best effort, like the reference: a namespace with IPv6 off simply has no such key.</summary>
    private static void TrySysctl(string key, string value)
    {
        if (File.Exists(ProcSys.PathOf(key))) IfaceConfigurator.WriteIfDifferent(key, value);
    }

    private static void TryDelete(RouteNetlink nl, int index)
    {
        try { nl.DeleteLink(index); }
        catch (LinkNotFoundException) { }
    }
}
