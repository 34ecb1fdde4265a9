using System.Buffers.Binary;
using System.Net;
using Cni.Linux.Net;
using Cni.Linux.Nftables;

namespace Cni.Linux.Firewall;

/// <summary>
/// The table, chains and rules of the nftables portmap backend (layout in plugins/Portmap/README.md).
/// Everything lives in our own `inet cni_portmap` table and every rule belongs to exactly one attachment:
/// there is no shared jump rule to rebuild, so ADDs and DELs of different containers never touch each
/// other's rules (the reference flushes and rebuilds its shared prerouting/output rules on every ADD).
/// </summary>
internal static class PortmapNftRules
{
    public static readonly NftTable Table = new(NftFamily.Inet, "cni_portmap");
    public static readonly NftChain Prerouting = new(NftFamily.Inet, Table.Name, "prerouting",
        new NftBaseChainSpec("nat", NftHook.Prerouting, NftBaseChainSpec.PriorityDstNat));
    public static readonly NftChain Output = new(NftFamily.Inet, Table.Name, "output",
        new NftBaseChainSpec("nat", NftHook.Output, NftBaseChainSpec.PriorityDstNat));
    public static readonly NftChain Postrouting = new(NftFamily.Inet, Table.Name, "postrouting",
        new NftBaseChainSpec("nat", NftHook.Postrouting, NftBaseChainSpec.PrioritySrcNat));

    public static readonly NftChain[] Chains = [Prerouting, Output, Postrouting];

    private const byte NfProtoIpv4 = 2, NfProtoIpv6 = 10;
    private const uint ConntrackStatusDstNat = 0x20; // IPS_DST_NAT, linux/netfilter/nf_conntrack_common.h

    /// <summary>
    /// `meta nfproto ipv4 [CONDITIONS] fib daddr type local [ip daddr HOSTIP] meta l4proto P th dport H counter
    /// dnat ip to C:P comment "TAG pm 4 P H HOSTIP|* ..."`, for <paramref name="chain"/> prerouting or output.
    /// The fib match keeps DNAT to the host's own addresses (the reference's fix for hostIP hijacking, #1209).
    /// </summary>
    public static NftRule Dnat(NftChain chain, FirewallOwner owner, PortmapEntry entry, IReadOnlyList<NftExpression> conditions)
    {
        bool v4 = entry.IsIPv4;
        var e = new List<NftExpression> { new MetaExpression(NftMetaKey.NfProto), new CmpExpression(NftCmpOp.Eq, [v4 ? NfProtoIpv4 : NfProtoIpv6]) };
        e.AddRange(conditions);
        e.AddRange(FibExpression.DestinationIsLocal());
        if (entry.HostIp is { } hostIp)
        {
            e.Add(new PayloadExpression(NftPayloadBase.Network, DaddrOffset(v4), (uint)(v4 ? 4 : 16)));
            e.Add(new CmpExpression(NftCmpOp.Eq, hostIp.GetAddressBytes()));
        }
        e.Add(new MetaExpression(NftMetaKey.L4Proto));
        e.Add(new CmpExpression(NftCmpOp.Eq, [entry.ProtocolNumber]));
        e.Add(new PayloadExpression(NftPayloadBase.Transport, 2, 2)); // dport sits at offset 2 in tcp, udp and sctp
        e.Add(new CmpExpression(NftCmpOp.Eq, Port(entry.HostPort)));
        e.Add(new CounterExpression());
        e.Add(ImmediateExpression.Value(NftRegister.Reg1, entry.ContainerAddress.GetAddressBytes()));
        e.Add(ImmediateExpression.Value(NftRegister.Reg2, Port(entry.ContainerPort)));
        e.Add(new NatExpression(NftNatType.Dnat, v4 ? NftFamily.Ip : NftFamily.Ip6, NftRegister.Reg1, NftRegister.Reg2));
        return new NftRule(chain.Family, chain.Table, chain.Name, e, Comment(owner, entry.Claim(owner.Tag).Describe()));
    }

    /// <summary>
    /// `meta nfproto ipv4 ip saddr SOURCE ip daddr C ct status dnat counter masquerade`: a connection that was
    /// DNATed to the container and comes from <paramref name="source"/> (its own subnet: hairpin; 127.0.0.1:
    /// the host's loopback) must leave with the host's address, or the reply would bypass the reverse NAT.
    /// A null source (masqAll) masquerades every DNATed connection to the container.
    /// </summary>
    public static NftRule Masquerade(FirewallOwner owner, Cidr container, Cidr? source, string what)
    {
        bool v4 = container.IsIPv4;
        var e = new List<NftExpression> { new MetaExpression(NftMetaKey.NfProto), new CmpExpression(NftCmpOp.Eq, [v4 ? NfProtoIpv4 : NfProtoIpv6]) };
        if (source is { } s) AddPrefixMatch(e, v4 ? 12u : 8u, s);
        e.Add(new PayloadExpression(NftPayloadBase.Network, DaddrOffset(v4), (uint)(v4 ? 4 : 16)));
        e.Add(new CmpExpression(NftCmpOp.Eq, container.Address.GetAddressBytes()));
        e.Add(new CtExpression(NftCtKey.Status));
        e.Add(new BitwiseExpression(BitConverter.GetBytes(ConntrackStatusDstNat), new byte[4]));
        e.Add(new CmpExpression(NftCmpOp.Neq, new byte[4]));
        e.Add(new CounterExpression());
        e.Add(new MasqueradeExpression());
        return new NftRule(Postrouting.Family, Postrouting.Table, Postrouting.Name, e, Comment(owner, " masq " + what));
    }

    /// <summary>`... SADDR|DADDR ADDR/P`: whole bytes are compared directly, other prefixes masked first (as nft does).</summary>
    internal static void AddPrefixMatch(List<NftExpression> e, uint offset, Cidr prefix, NftCmpOp op = NftCmpOp.Eq)
    {
        var network = prefix.Network.GetAddressBytes();
        int bits = prefix.PrefixLength;
        if (bits == 0) return; // matches everything
        if (bits % 8 == 0)
        {
            e.Add(new PayloadExpression(NftPayloadBase.Network, offset, (uint)(bits / 8)));
            e.Add(new CmpExpression(op, network.AsSpan(0, bits / 8)));
            return;
        }
        var mask = new byte[network.Length];
        for (int bit = 0; bit < bits; bit++) mask[bit / 8] |= (byte)(0x80 >> (bit % 8));
        e.Add(new PayloadExpression(NftPayloadBase.Network, offset, (uint)network.Length));
        e.Add(new BitwiseExpression(mask, new byte[network.Length]));
        e.Add(new CmpExpression(op, network));
    }

    /// <summary>The owner's tag, then what the rule is, then the readable names; cut to nft's 127 bytes.</summary>
    internal static string Comment(FirewallOwner owner, string what)
    {
        string text = owner.Tag + what + owner.Comment[owner.Tag.Length..];
        return text.Length <= FirewallOwner.MaxCommentLength ? text : text[..FirewallOwner.MaxCommentLength];
    }

    internal static uint DaddrOffset(bool v4) => v4 ? 16u : 24u;

    internal static uint SaddrOffset(bool v4) => v4 ? 12u : 8u;

    private static byte[] Port(int port)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, checked((ushort)port));
        return b;
    }

    internal static readonly Cidr LocalhostV4 = new(IPAddress.Loopback, 32);
}
