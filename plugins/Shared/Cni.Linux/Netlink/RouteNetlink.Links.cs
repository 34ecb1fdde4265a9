using System.Diagnostics.CodeAnalysis;
using System.Net.NetworkInformation;
using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;
using Cni.Linux.Netns;

namespace Cni.Linux.Netlink;

public sealed partial class RouteNetlink
{
    /// <summary>`ip link show dev NAME`. Throws <see cref="LinkNotFoundException"/> when there is none.</summary>
    public Link GetLink(string name) => Single(QueryLinkByName(name, absentErrno: 0)!, "RTM_GETLINK " + name);

    /// <summary>`ip link show` for the link with this index. Throws <see cref="LinkNotFoundException"/>.</summary>
    public Link GetLink(int index)
    {
        var w = new NetlinkWriter(Rtnl.RTM_GETLINK, 0);
        try
        {
            w.Write(new ifinfomsg { ifi_index = index });
            return Single(_socket.Query(ref w, $"RTM_GETLINK index {index}", DecodeLink), $"RTM_GETLINK index {index}");
        }
        finally { w.Dispose(); }
    }

    /// <summary>
    /// `ip link show dev NAME`, returning false when it does not exist. No exception on that path: ADD asks
    /// "is CNI_IFNAME free?" every time, and the answer is usually no such link.
    /// </summary>
    public bool TryGetLink(string name, [NotNullWhen(true)] out Link? link)
    {
        var links = QueryLinkByName(name, Errno.ENODEV);
        link = links is { Count: > 0 } ? links[0] : null;
        return link != null;
    }

    /// <summary>RTM_GETLINK by name; null when the kernel answers <paramref name="absentErrno"/> (0: it throws instead).</summary>
    private List<Link>? QueryLinkByName(string name, int absentErrno)
    {
        var w = new NetlinkWriter(Rtnl.RTM_GETLINK, 0);
        try
        {
            w.Write(new ifinfomsg());
            w.AttributeString(Rtnl.IFLA_IFNAME, name);
            return _socket.TryQuery(ref w, "RTM_GETLINK " + name, DecodeLink, absentErrno);
        }
        finally { w.Dispose(); }
    }

    /// <summary>`ip link show`: every link in the namespace.</summary>
    public List<Link> ListLinks()
    {
        var w = new NetlinkWriter(Rtnl.RTM_GETLINK, NetlinkConst.NLM_F_DUMP);
        try
        {
            w.Write(new ifinfomsg());
            return _socket.Query(ref w, "RTM_GETLINK dump", DecodeLink);
        }
        finally { w.Dispose(); }
    }

    /// <summary>
    /// `ip link show master MASTER`: the links enslaved to <paramref name="masterIndex"/> (a bridge's ports).
    /// The kernel filters the dump (IFLA_MASTER in the request), so the cost follows the ports, not every link
    /// on a host with thousands of veths; the result is filtered here too, for kernels that ignore the filter.
    /// </summary>
    public List<Link> ListLinksOf(int masterIndex)
    {
        var w = new NetlinkWriter(Rtnl.RTM_GETLINK, NetlinkConst.NLM_F_DUMP);
        try
        {
            w.Write(new ifinfomsg());
            w.AttributeU32(Rtnl.IFLA_MASTER, (uint)masterIndex);
            return _socket.Query(ref w, $"RTM_GETLINK dump master {masterIndex}", DecodeLink).Where(l => l.MasterIndex == masterIndex).ToList();
        }
        finally { w.Dispose(); }
    }

    /// <summary>
    /// `ip link add NAME [mtu N] [address MAC] type KIND ...`; fails with EEXIST if the name is taken.
    /// Returns the new link as read back from the kernel.
    /// </summary>
    public Link CreateLink(LinkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string operation = $"RTM_NEWLINK {spec.Kind} {spec.Name}";
        var w = EncodeCreateLink(spec);
        try { _socket.Request(ref w, operation); }
        finally { w.Dispose(); }
        return GetLink(spec.Name);
    }

    /// <summary>
    /// `ip link add NAME link PARENT netns NS type KIND ...`: sent on this socket (the parent's namespace, where
    /// IFLA_LINK is resolved) with IFLA_NET_NS_FD, so the kernel registers the link straight inside
    /// <paramref name="target"/>. Unlike create-then-<see cref="SetLinkNetNs"/> this never moves a live device,
    /// which costs an RCU grace period (~20 ms measured here). The link is invisible to this socket afterwards,
    /// so it is read back through <paramref name="targetNl"/>, a socket opened inside <paramref name="target"/>.
    /// Always NLM_F_EXCL: kernels before about 6.14 look the name up in the sender's namespace, and then a host
    /// link of the same name answers EEXIST (without EXCL it would be modified instead of a new link made).
    /// </summary>
    public Link CreateLinkIn(LinkSpec spec, NetNs target, RouteNetlink targetNl)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(targetNl);
        string operation = $"RTM_NEWLINK {spec.Kind} {spec.Name} netns {target.Path}";
        bool added = false;
        target.Handle.DangerousAddRef(ref added);
        try
        {
            var w = EncodeCreateLink(spec, target.Handle.Fd);
            try { _socket.Request(ref w, operation); }
            finally { w.Dispose(); }
        }
        finally
        {
            if (added) target.Handle.DangerousRelease();
        }
        return targetNl.GetLink(spec.Name);
    }

    internal static NetlinkWriter EncodeCreateLink(LinkSpec spec) => EncodeCreateLink(spec, netnsFd: null);

    /// <summary>RTM_NEWLINK for <paramref name="spec"/>; with <paramref name="netnsFd"/>, created in that namespace.</summary>
    internal static NetlinkWriter EncodeCreateLink(LinkSpec spec, int? netnsFd)
    {
        var w = new NetlinkWriter(Rtnl.RTM_NEWLINK, NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_EXCL);
        w.Write(new ifinfomsg());
        w.AttributeString(Rtnl.IFLA_IFNAME, spec.Name);
        if (spec.Mtu is int mtu) w.AttributeU32(Rtnl.IFLA_MTU, (uint)mtu);
        if (spec.Mac != null) w.AttributeMac(Rtnl.IFLA_ADDRESS, spec.Mac);
        if (netnsFd is int fd) w.AttributeU32(Rtnl.IFLA_NET_NS_FD, (uint)fd);
        spec.WriteLinkAttributes(ref w);
        using (w.Nest(Rtnl.IFLA_LINKINFO))
        {
            w.AttributeString(Rtnl.IFLA_INFO_KIND, spec.Kind);
            if (spec.HasInfoData)
            {
                using var data = w.Nest(Rtnl.IFLA_INFO_DATA);
                spec.WriteInfoData(ref w);
            }
        }
        return w;
    }

    /// <summary>
    /// `sysctl -w net.ipv4.conf.DEV.arp_notify=0|1` as the kernel also takes it: an RTM_NEWLINK carrying
    /// IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF. No /proc/sys path to resolve, whose cost grows with the number of
    /// network namespaces on the node. ENOENT/EAFNOSUPPORT when the device has no IPv4 settings.
    /// </summary>
    public void SetArpNotify(int index, bool on) => SetLink(index, $"arp_notify {(on ? 1 : 0)}", (ref NetlinkWriter w) =>
    {
        using var spec = w.Nest(Rtnl.IFLA_AF_SPEC);
        using var inet = w.Nest(Rtnl.AF_INET_SPEC);
        using var conf = w.Nest(Rtnl.IFLA_INET_CONF);
        w.AttributeU32(Rtnl.IPV4_DEVCONF_ARP_NOTIFY, on ? 1u : 0u);
    });

    /// <summary>`ip link set dev X up`.</summary>
    public void SetLinkUp(int index) => ChangeFlags(index, LinkFlags.Up, LinkFlags.Up, "up");

    /// <summary>`ip link set dev X down`.</summary>
    public void SetLinkDown(int index) => ChangeFlags(index, LinkFlags.Up, LinkFlags.None, "down");

    /// <summary>`ip link set dev X promisc on|off`.</summary>
    public void SetLinkPromisc(int index, bool on)
        => ChangeFlags(index, LinkFlags.Promisc, on ? LinkFlags.Promisc : LinkFlags.None, on ? "promisc on" : "promisc off");

    /// <summary>`ip link set dev X mtu N`.</summary>
    public void SetLinkMtu(int index, int mtu)
        => SetLink(index, $"mtu {mtu}", (ref NetlinkWriter w) => w.AttributeU32(Rtnl.IFLA_MTU, (uint)mtu));

    /// <summary>`ip link set dev X address MAC`.</summary>
    public void SetLinkMac(int index, PhysicalAddress mac)
        => SetLink(index, $"address {mac}", (ref NetlinkWriter w) => w.AttributeMac(Rtnl.IFLA_ADDRESS, mac));

    /// <summary>`ip link set dev X master BRIDGE`.</summary>
    public void SetLinkMaster(int index, int masterIndex)
        => SetLink(index, $"master {masterIndex}", (ref NetlinkWriter w) => w.AttributeU32(Rtnl.IFLA_MASTER, (uint)masterIndex));

    /// <summary>`ip link set dev X nomaster`.</summary>
    public void SetLinkNoMaster(int index)
        => SetLink(index, "nomaster", (ref NetlinkWriter w) => w.AttributeU32(Rtnl.IFLA_MASTER, 0));

    /// <summary>`ip link set dev X name NEW` (the link must be down).</summary>
    public void SetLinkName(int index, string name)
        => SetLink(index, "name " + name, (ref NetlinkWriter w) => w.AttributeString(Rtnl.IFLA_IFNAME, name));

    /// <summary>`ip link set dev X netns NS`: moves the link; it disappears from this namespace.</summary>
    public void SetLinkNetNs(int index, NetNs netns)
        => SetLink(index, "netns " + netns.Path, (ref NetlinkWriter w) => w.AttributeU32(Rtnl.IFLA_NET_NS_FD, (uint)netns.Handle.Fd));

    /// <summary>`ip link del dev X`. Deleting one end of a veth removes both. Throws <see cref="LinkNotFoundException"/>.</summary>
    public void DeleteLink(int index)
    {
        var w = new NetlinkWriter(Rtnl.RTM_DELLINK, 0);
        try
        {
            w.Write(new ifinfomsg { ifi_index = index });
            _socket.Request(ref w, $"RTM_DELLINK index {index}");
        }
        finally { w.Dispose(); }
    }

    private delegate void AttributeWriter(ref NetlinkWriter writer);

    private void SetLink(int index, string what, AttributeWriter attributes)
    {
        var w = new NetlinkWriter(Rtnl.RTM_NEWLINK, 0);
        try
        {
            w.Write(new ifinfomsg { ifi_index = index });
            attributes(ref w);
            _socket.Request(ref w, $"RTM_NEWLINK index {index} {what}");
        }
        finally { w.Dispose(); }
    }

    private void ChangeFlags(int index, LinkFlags mask, LinkFlags value, string what)
    {
        var w = new NetlinkWriter(Rtnl.RTM_NEWLINK, 0);
        try
        {
            w.Write(new ifinfomsg { ifi_index = index, ifi_flags = (uint)value, ifi_change = (uint)mask });
            _socket.Request(ref w, $"RTM_NEWLINK index {index} {what}");
        }
        finally { w.Dispose(); }
    }

    private static Link Single(List<Link> links, string operation)
        => links.Count > 0 ? links[0] : throw new LinkNotFoundException(operation, Errno.ENODEV, "no such link");

    internal static Link? DecodeLink(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWLINK) return null;
        var info = message.Read<ifinfomsg>();
        string name = "";
        string? kind = null;
        PhysicalAddress? mac = null;
        int mtu = 0;
        int? master = null, parent = null, netnsId = null, acceptRa = null;
        var oper = OperState.Unknown;
        LinkSpec? spec = null;
        ReadOnlySpan<byte> data = default;
        foreach (var a in message.Attributes<ifinfomsg>())
        {
            switch (a.Type)
            {
                case Rtnl.IFLA_IFNAME: name = a.String; break;
                case Rtnl.IFLA_ADDRESS: mac = a.Mac; break;
                case Rtnl.IFLA_MTU: mtu = (int)a.U32; break;
                case Rtnl.IFLA_MASTER: master = (int)a.U32; break;
                case Rtnl.IFLA_LINK: parent = (int)a.U32; break;
                case Rtnl.IFLA_LINK_NETNSID: netnsId = a.I32; break;
                case Rtnl.IFLA_OPERSTATE: oper = (OperState)a.U8; break;
                case Rtnl.IFLA_AF_SPEC: acceptRa = DecodeIpv6AcceptRa(a) ?? acceptRa; break;
                case Rtnl.IFLA_LINKINFO:
                    foreach (var li in a.Nested)
                    {
                        if (li.Type == Rtnl.IFLA_INFO_KIND) kind = li.String;
                        else if (li.Type == Rtnl.IFLA_INFO_DATA) data = li.Value;
                    }
                    break;
            }
        }
        var dataReader = new AttributeReader(data);
        spec = kind switch
        {
            "bridge" => BridgeLink.Decode(name, dataReader),
            "macvlan" => MacvlanLink.Decode(name, parent ?? 0, dataReader),
            "ipvlan" => IpvlanLink.Decode(name, parent ?? 0, dataReader),
            "vxlan" => VxlanLink.Decode(name, dataReader),
            "veth" => new VethLink { Name = name },
            "dummy" => new DummyLink { Name = name },
            _ => null,
        };
        return new Link
        {
            Index = info.ifi_index, Name = name, Kind = kind, Mac = mac, Mtu = mtu, Flags = (LinkFlags)info.ifi_flags,
            MasterIndex = master, OperState = oper, ParentIndex = parent, NetNsId = netnsId, Info = spec,
            Ipv6AcceptRa = acceptRa,
        };
    }

    /// <summary>DEVCONF_ACCEPT_RA from IFLA_AF_SPEC/AF_INET6/IFLA_INET6_CONF (an s32 array indexed by DEVCONF_*).</summary>
    private static int? DecodeIpv6AcceptRa(NetlinkAttribute afSpec)
    {
        foreach (var family in afSpec.Nested)
        {
            if (family.Type != Rtnl.AF_INET6_SPEC) continue;
            foreach (var a in family.Nested)
            {
                if (a.Type != Rtnl.IFLA_INET6_CONF) continue;
                int offset = Rtnl.DEVCONF_ACCEPT_RA * sizeof(int);
                if (a.Value.Length < offset + sizeof(int)) return null;
                return System.Runtime.InteropServices.MemoryMarshal.Read<int>(a.Value[offset..]); // host byte order
            }
        }
        return null;
    }
}
