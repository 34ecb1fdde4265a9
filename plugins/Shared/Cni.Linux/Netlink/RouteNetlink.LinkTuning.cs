using System.Net.NetworkInformation;
using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Netlink;

/// <summary>
/// The per-link settings a tuning step saves and restores, read in one RTM_GETLINK: the same fields as
/// `ip -d link show dev X` prints for address, mtu, PROMISC/ALLMULTI flags and qlen. <see cref="Link"/> does not
/// carry the queue length, hence this separate read-back.
/// </summary>
public sealed record LinkSettings
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public PhysicalAddress? Mac { get; init; }
    public int Mtu { get; init; }
    /// <summary>IFF_PROMISC as set by `ip link set promisc on` (not the kernel's promiscuity counter).</summary>
    public bool Promisc { get; init; }
    /// <summary>IFF_ALLMULTI as set by `ip link set allmulticast on`.</summary>
    public bool Allmulti { get; init; }
    /// <summary>IFLA_TXQLEN.</summary>
    public int TxQueueLength { get; init; }
}

public sealed partial class RouteNetlink
{
    // linux/if.h; LinkFlags (Link.cs) stops at the bits other callers needed.
    private const LinkFlags IFF_ALLMULTI = (LinkFlags)0x200;

    /// <summary>`ip link set dev X allmulticast on|off`.</summary>
    public void SetLinkAllmulti(int index, bool on)
        => ChangeFlags(index, IFF_ALLMULTI, on ? IFF_ALLMULTI : LinkFlags.None, on ? "allmulticast on" : "allmulticast off");

    /// <summary>`ip link set dev X txqueuelen N`.</summary>
    public void SetLinkTxQueueLength(int index, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        SetLink(index, $"txqueuelen {length}", (ref NetlinkWriter w) => w.AttributeU32(Rtnl.IFLA_TXQLEN, (uint)length));
    }

    /// <summary>`ip -d link show dev X` (address, mtu, promisc, allmulticast, qlen). Throws <see cref="LinkNotFoundException"/>.</summary>
    public LinkSettings GetLinkSettings(int index)
    {
        var w = new NetlinkWriter(Rtnl.RTM_GETLINK, 0);
        try
        {
            w.Write(new ifinfomsg { ifi_index = index });
            string operation = $"RTM_GETLINK index {index}";
            var found = _socket.Query(ref w, operation, DecodeLinkSettings);
            return found.Count > 0 ? found[0] : throw new LinkNotFoundException(operation, Errno.ENODEV, "no such link");
        }
        finally { w.Dispose(); }
    }

    private static LinkSettings? DecodeLinkSettings(NetlinkMessage message)
    {
        if (message.Type != Rtnl.RTM_NEWLINK) return null;
        var info = message.Read<ifinfomsg>();
        string name = "";
        PhysicalAddress? mac = null;
        int mtu = 0, qlen = 0;
        foreach (var a in message.Attributes<ifinfomsg>())
        {
            switch (a.Type)
            {
                case Rtnl.IFLA_IFNAME: name = a.String; break;
                case Rtnl.IFLA_ADDRESS: mac = a.Mac; break;
                case Rtnl.IFLA_MTU: mtu = (int)a.U32; break;
                case Rtnl.IFLA_TXQLEN: qlen = (int)a.U32; break;
            }
        }
        var flags = (LinkFlags)info.ifi_flags;
        return new LinkSettings
        {
            Index = info.ifi_index, Name = name, Mac = mac, Mtu = mtu, TxQueueLength = qlen,
            Promisc = (flags & LinkFlags.Promisc) != 0, Allmulti = (flags & IFF_ALLMULTI) != 0,
        };
    }
}
