using System.Text;
using Cni.Linux.Net;
using Cni.Linux.Nftables;

namespace Cni.Linux.Firewall;

/// <summary>
/// The tables, chains and rules of the firewall plugin's nftables backend (layout in plugins/Firewall/README.md).
/// Every rule belongs to one attachment (its owner comment); isolation rules are written per attachment too, so
/// the last attachment of a bridge leaving takes the bridge's isolation with it, without any reference counting.
/// </summary>
internal static class ForwardNftRules
{
    public static readonly NftTable Table = new(NftFamily.Inet, "cni_firewall");

    /// <summary>Per-container accepts (priority filter), the reference's CNI-FORWARD.</summary>
    public static readonly NftChain Forward = new(NftFamily.Inet, Table.Name, "forward",
        new NftBaseChainSpec("filter", NftHook.Forward, NftBaseChainSpec.PriorityFilter));

    /// <summary>
    /// Isolation, the reference's CNI-ISOLATION-STAGE-1. A separate base chain that runs before <see cref="Forward"/>
    /// (priority filter - 10): its drops must win over accepts, and a drop in any base chain is final.
    /// </summary>
    public static readonly NftChain Isolation = new(NftFamily.Inet, Table.Name, "isolation",
        new NftBaseChainSpec("filter", NftHook.Forward, NftBaseChainSpec.PriorityFilter - 10));

    /// <summary>Stage 2: "leaving an isolated bridge into this isolated bridge" drops.</summary>
    public static readonly NftChain IsolationOut = new(NftFamily.Inet, Table.Name, "isolation_out");

    public static readonly NftChain[] AllChains = [Isolation, IsolationOut, Forward];

    private const byte NfProtoIpv4 = 2, NfProtoIpv6 = 10;
    private const int IfNameSize = 16;
    /// <summary>NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED); ct state is host-endian.</summary>
    private const uint EstablishedOrRelated = 2 | 4;

    /// <summary>Everything <see cref="ForwardNftFirewall.Add"/> writes for one attachment, in order.</summary>
    public static List<NftRule> For(ForwardAttachment a)
    {
        string comment = a.Owner.Comment;
        var rules = new List<NftRule>();
        if (a.Policy != ForwardIngressPolicy.Open)
        {
            string br = a.Bridge!;
            rules.Add(Rule(Isolation, comment, [.. Name(NftMetaKey.IifName, NftCmpOp.Eq, br), .. Name(NftMetaKey.OifName, NftCmpOp.Neq, br),
                ImmediateExpression.Jump(IsolationOut.Name)]));
            rules.Add(Rule(IsolationOut, comment, [.. Name(NftMetaKey.OifName, NftCmpOp.Eq, br), new CounterExpression(), ImmediateExpression.Drop()]));
            if (a.Policy == ForwardIngressPolicy.Isolated)
            {
                rules.Add(Rule(Isolation, comment, [.. Name(NftMetaKey.IifName, NftCmpOp.Eq, br), .. Name(NftMetaKey.OifName, NftCmpOp.Eq, br),
                    new CounterExpression(), ImmediateExpression.Drop()]));
            }
        }
        foreach (var address in a.Addresses)
        {
            // `ip daddr A ct state established,related accept`, then `ip saddr A accept`.
            rules.Add(Rule(Forward, comment, [.. Address(address, source: false), new CtExpression(NftCtKey.State),
                new BitwiseExpression(BitConverter.GetBytes(EstablishedOrRelated), new byte[4]),
                new CmpExpression(NftCmpOp.Neq, new byte[4]), new CounterExpression(), ImmediateExpression.Accept()]));
            rules.Add(Rule(Forward, comment, [.. Address(address, source: true), new CounterExpression(), ImmediateExpression.Accept()]));
        }
        return rules;
    }

    /// <summary>The batch that adds <paramref name="rules"/>, creating whatever tables and chains they live in.</summary>
    public static NftTransaction AddBatch(IReadOnlyList<NftRule> rules)
    {
        var tx = new NftTransaction().AddTable(Table).AddChain(Isolation).AddChain(IsolationOut).AddChain(Forward);
        foreach (var rule in rules) tx.AddRule(rule);
        return tx;
    }

    private static NftRule Rule(NftChain chain, string comment, NftExpression[] expressions)
        => new(chain.Family, chain.Table, chain.Name, expressions, comment);

    /// <summary>`iifname "X"` / `oifname != "X"`: the name NUL-padded to IFNAMSIZ, as the kernel compares it.</summary>
    private static NftExpression[] Name(NftMetaKey key, NftCmpOp op, string name)
    {
        var bytes = new byte[IfNameSize];
        Encoding.UTF8.GetBytes(name, bytes);
        return [new MetaExpression(key), new CmpExpression(op, bytes)];
    }

    /// <summary>`meta nfproto ipv4 ip saddr|daddr A` (IPv6: ip6): the family check first, as nft writes it for inet.</summary>
    private static NftExpression[] Address(Cidr address, bool source)
    {
        bool v4 = address.IsIPv4;
        uint offset = v4 ? (source ? 12u : 16u) : (source ? 8u : 24u);
        return
        [
            new MetaExpression(NftMetaKey.NfProto),
            new CmpExpression(NftCmpOp.Eq, [v4 ? NfProtoIpv4 : NfProtoIpv6]),
            new PayloadExpression(NftPayloadBase.Network, offset, (uint)(v4 ? 4 : 16)),
            new CmpExpression(NftCmpOp.Eq, address.Address.GetAddressBytes()),
        ];
    }
}
