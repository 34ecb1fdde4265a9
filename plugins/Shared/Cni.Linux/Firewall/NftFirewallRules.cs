using System.Net.NetworkInformation;
using System.Text;
using Cni.Linux.Net;
using Cni.Linux.Nftables;

namespace Cni.Linux.Firewall;

/// <summary>
/// The tables, chains and rules the nftables backend writes (see Firewall/README.md for the layout).
/// Matches are encoded the way `nft` encodes them, so `nft list ruleset` shows them in plain syntax.
/// </summary>
internal static class NftFirewallRules
{
    public static readonly NftTable MasqTable = new(NftFamily.Inet, "cni_masquerade");
    public static readonly NftChain MasqChain = new(NftFamily.Inet, MasqTable.Name, "postrouting",
        new NftBaseChainSpec("nat", NftHook.Postrouting, NftBaseChainSpec.PrioritySrcNat));

    public static readonly NftTable SpoofTable = new(NftFamily.Bridge, "cni_macspoofchk");
    public static readonly NftChain SpoofChain = new(NftFamily.Bridge, SpoofTable.Name, "prerouting",
        new NftBaseChainSpec("filter", NftHook.Prerouting, -300));

    private const byte NfProtoIpv4 = 2, NfProtoIpv6 = 10;
    private const int IfNameSize = 16;

    /// <summary>
    /// `ip saddr A ip daddr != NET/P ip daddr != 224.0.0.0/4 counter masquerade comment "..."`
    /// (IPv6: `ip6 saddr A ip6 daddr != NET/P ip6 daddr != ff00::/8 ...`).
    /// </summary>
    public static NftRule Masquerade(FirewallOwner owner, Cidr address)
    {
        bool v4 = address.IsIPv4;
        uint saddr = v4 ? 12u : 8u, daddr = v4 ? 16u : 24u;
        var expressions = new List<NftExpression>
        {
            new MetaExpression(NftMetaKey.NfProto),
            new CmpExpression(NftCmpOp.Eq, [v4 ? NfProtoIpv4 : NfProtoIpv6]),
            new PayloadExpression(NftPayloadBase.Network, saddr, (uint)(v4 ? 4 : 16)),
            new CmpExpression(NftCmpOp.Eq, address.Address.GetAddressBytes()),
        };
        AddPrefixMismatch(expressions, daddr, address.Network.GetAddressBytes(), address.PrefixLength);
        if (v4) AddPrefixMismatch(expressions, daddr, [224, 0, 0, 0], 4);
        else AddPrefixMismatch(expressions, daddr, [0xff], 8);
        expressions.Add(new CounterExpression());
        expressions.Add(new MasqueradeExpression());
        return new NftRule(MasqChain.Family, MasqChain.Table, MasqChain.Name, expressions, owner.Comment);
    }

    /// <summary>`iifname "HOST" ether saddr != MAC counter drop comment "..."`.</summary>
    public static NftRule MacSpoofCheck(FirewallOwner owner, string hostIfName, PhysicalAddress mac)
    {
        var macBytes = mac.GetAddressBytes();
        if (macBytes.Length != 6) throw new ArgumentException($"macspoofchk needs an Ethernet MAC, got '{mac}'", nameof(mac));
        if (string.IsNullOrEmpty(hostIfName) || Encoding.UTF8.GetByteCount(hostIfName) >= IfNameSize)
            throw new ArgumentException($"invalid interface name '{hostIfName}'", nameof(hostIfName));
        // iifname compares the whole IFNAMSIZ buffer: the name NUL-padded to 16 bytes, as nft sends it.
        var name = new byte[IfNameSize];
        Encoding.UTF8.GetBytes(hostIfName, name);
        NftExpression[] expressions =
        [
            new MetaExpression(NftMetaKey.IifName),
            new CmpExpression(NftCmpOp.Eq, name),
            new PayloadExpression(NftPayloadBase.LinkLayer, 6, 6),
            new CmpExpression(NftCmpOp.Neq, macBytes),
            new CounterExpression(),
            ImmediateExpression.Drop(),
        ];
        return new NftRule(SpoofChain.Family, SpoofChain.Table, SpoofChain.Name, expressions, owner.Comment);
    }

    /// <summary>
    /// `daddr != NET/P`: a whole-byte prefix loads just those bytes (as nft does); otherwise the full field
    /// is loaded and masked. P = 0 compares masked zero with zero, which never mismatches (nothing to NAT).
    /// </summary>
    private static void AddPrefixMismatch(List<NftExpression> expressions, uint offset, byte[] network, int prefix)
    {
        if (prefix > 0 && prefix % 8 == 0)
        {
            int bytes = prefix / 8;
            expressions.Add(new PayloadExpression(NftPayloadBase.Network, offset, (uint)bytes));
            expressions.Add(new CmpExpression(NftCmpOp.Neq, network.AsSpan(0, bytes)));
            return;
        }
        int length = network.Length;
        var mask = new byte[length];
        for (int bit = 0; bit < prefix; bit++) mask[bit / 8] |= (byte)(0x80 >> (bit % 8));
        var masked = new byte[length];
        for (int i = 0; i < length; i++) masked[i] = (byte)(network[i] & mask[i]);
        expressions.Add(new PayloadExpression(NftPayloadBase.Network, offset, (uint)length));
        expressions.Add(new BitwiseExpression(mask, new byte[length]));
        expressions.Add(new CmpExpression(NftCmpOp.Neq, masked));
    }
}
