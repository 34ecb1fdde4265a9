using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using Cni.Linux.Firewall;
using Cni.Linux.Interop;
using Cni.Linux.Net;
using Cni.Linux.Nftables;

namespace Cni.Linux.Tests.Nftables;

/// <summary>
/// Golden bytes captured once from nft 1.0.6 (`nft --debug=mnl ...` in a throwaway namespace; the dump was
/// turned into hex, attribute headers and values as printed). We compare everything after the nlmsghdr:
/// nfgenmsg + attributes. Sequence numbers and REQUEST/ACK are set by the socket at send time.
/// </summary>
public class NftGoldenTests
{
    // nft add table inet t2
    private const string TableT2 = "01000000" + "0700 0100 74320000" + "0800 0200 00000000";

    // nft add chain inet t c2 '{ type nat hook postrouting priority srcnat; policy accept; }'
    private const string ChainC2 =
        "01000000" + "0600 0100 74000000" + "0700 0300 63320000" + "0800 0700 6e617400" + "0800 0500 00000001" +
        "1400 0480" + "0800 0100 00000004" + "0800 0200 00000064";

    // nft add rule inet t c ip saddr 10.0.0.2 ip daddr != 10.0.0.0/24 ip daddr != 224.0.0.0/4 counter masquerade comment '"hello"'
    private const string MasqRule =
        "0100000006000100740000000600020063000000e001048024000180090001006d6574610000000014000280080002000000000f" +
        "08000100000000012c00018008000100636d700020000280080001000000000108000200000000000c0003800500010002000000" +
        "340001800c0001007061796c6f6164002400028008000100000000010800020000000001080003000000000c0800040000000004" +
        "2c00018008000100636d700020000280080001000000000108000200000000000c000380080001000a000002340001800c000100" +
        "7061796c6f6164002400028008000100000000010800020000000001080003000000001008000400000000032c00018008000100" +
        "636d700020000280080001000000000108000200000000010c000380070001000a000000340001800c0001007061796c6f616400" +
        "240002800800010000000001080002000000000108000300000000100800040000000004440001800c0001006269747769736500" +
        "340002800800010000000001080002000000000108000300000000040c00048008000100f00000000c0005800800010000000000" +
        "2c00018008000100636d700020000280080001000000000108000200000000010c00038008000100e0000000140001800c000100" +
        "636f756e746572000400028014000180090001006d61737100000000040002800c000700000668656c6c6f00";

    // nft add rule bridge b p iifname "veth0" ether saddr != 02:00:00:00:00:01 counter drop comment '"x"'
    private const string SpoofRule =
        "07000000060001006200000006000200700000000801048024000180090001006d6574610000000014000280080002000000000608" +
        "000100000000013800018008000100636d70002c00028008000100000000010800020000000000180003801400010076657468300000" +
        "000000000000000000340001800c0001007061796c6f616400240002800800010000000001080002000000000008000300000000060800" +
        "0400000000063000018008000100636d70002400028008000100000000010800020000000001100003800a0001000200000000010000" +
        "140001800c000100636f756e7465720004000280300001800e000100696d6d6564696174650000001c0002800800010000000000100002" +
        "800c00028008000100000000000800070000027800";

    [Fact]
    public void TableMatchesNft()
    {
        var message = NftMessages.NewTable(new NftTable(NftFamily.Inet, "t2"));
        AssertHeader(message, NftConst.NFT_MSG_NEWTABLE, NetlinkConst.NLM_F_CREATE);
        Assert.Equal(Hex(TableT2), Body(message));
    }

    [Fact]
    public void BaseChainMatchesNft()
    {
        var chain = new NftChain(NftFamily.Inet, "t", "c2", new NftBaseChainSpec("nat", NftHook.Postrouting, NftBaseChainSpec.PrioritySrcNat));
        var message = NftMessages.NewChain(chain);
        AssertHeader(message, NftConst.NFT_MSG_NEWCHAIN, NetlinkConst.NLM_F_CREATE);
        Assert.Equal(Hex(ChainC2), Body(message));
    }

    [Fact]
    public void RuleWithSeveralExpressionsAndCommentMatchesNft()
    {
        var rule = new NftRule(NftFamily.Inet, "t", "c",
        [
            new MetaExpression(NftMetaKey.NfProto),
            new CmpExpression(NftCmpOp.Eq, [2]),
            new PayloadExpression(NftPayloadBase.Network, 12, 4),
            new CmpExpression(NftCmpOp.Eq, [10, 0, 0, 2]),
            new PayloadExpression(NftPayloadBase.Network, 16, 3),
            new CmpExpression(NftCmpOp.Neq, [10, 0, 0]),
            new PayloadExpression(NftPayloadBase.Network, 16, 4),
            new BitwiseExpression([0xf0, 0, 0, 0], [0, 0, 0, 0]),
            new CmpExpression(NftCmpOp.Neq, [0xe0, 0, 0, 0]),
            new CounterExpression(),
            new MasqueradeExpression(),
        ], comment: "hello");
        var message = NftMessages.NewRule(rule);
        AssertHeader(message, NftConst.NFT_MSG_NEWRULE, NetlinkConst.NLM_F_CREATE | NetlinkConst.NLM_F_APPEND);
        Assert.Equal(Hex(MasqRule), Body(message));
    }

    [Fact]
    public void FirewallMasqueradeRuleEncodesTheSameExpressionsAsNft()
    {
        var owner = new FirewallOwner("net", "c1", "eth0");
        var ours = NftFirewallRules.Masquerade(owner, Cidr.Parse("10.0.0.2/24"));
        var asNft = new NftRule(NftFamily.Inet, "t", "c", ours.Expressions, "hello");
        Assert.Equal(Hex(MasqRule), Body(NftMessages.NewRule(asNft)));
    }

    [Fact]
    public void FirewallSpoofCheckRuleEncodesTheSameExpressionsAsNft()
    {
        var owner = new FirewallOwner("net", "c1", "eth0");
        var ours = NftFirewallRules.MacSpoofCheck(owner, "veth0", PhysicalAddress.Parse("02-00-00-00-00-01"));
        var asNft = new NftRule(NftFamily.Bridge, "b", "p", ours.Expressions, "x");
        Assert.Equal(Hex(SpoofRule), Body(NftMessages.NewRule(asNft)));
    }

    [Fact]
    public void DeleteRuleByHandleCarriesTheHandleBigEndian()
    {
        var message = NftMessages.DelRule(NftFamily.Inet, "t", "c", 0x0102030405060708);
        AssertHeader(message, NftConst.NFT_MSG_DELRULE, 0);
        Assert.Equal(Hex("01000000" + "0600 0100 74000000" + "0600 0200 63000000" + "0c00 0300 0102030405060708"), Body(message));
    }

    [Fact]
    public void BatchIsBeginOperationsEndBackToBack()
    {
        var tx = new NftTransaction()
            .AddTable(new NftTable(NftFamily.Inet, "t2"))
            .DeleteRule(new NftRuleInfo(NftFamily.Inet, "t", "c", 7, null));
        var datagram = tx.BuildDatagram();
        var messages = Split(datagram);
        Assert.Equal(4, messages.Count);
        // NFNL_MSG_BATCH_BEGIN / END: nfgenmsg family 0, version 0, res_id = NFNL_SUBSYS_NFTABLES (10) big endian.
        Assert.Equal(Hex("14000000 1000 0000 00000000 00000000 0000000a"), messages[0]);
        Assert.Equal(Hex("14000000 1100 0000 00000000 00000000 0000000a"), messages[3]);
        Assert.Equal(NftMessages.NewTable(new NftTable(NftFamily.Inet, "t2")), messages[1]);
        Assert.Equal(NftConst.MessageType(NftConst.NFT_MSG_DELRULE), BinaryPrimitives.ReadUInt16LittleEndian(messages[2].AsSpan(4)));
        Assert.Equal(["add table inet t2", "delete rule inet t c handle 7"], tx.Operations);
    }

    [Fact]
    public void CommentUserDataRoundTrips()
    {
        var tlv = NftUserData.EncodeComment("hello");
        Assert.Equal(Hex("00 06 68656c6c6f 00"), tlv);
        Assert.Equal("hello", NftUserData.DecodeComment(tlv));
        // Another TLV type first (nft's NFTNL_UDATA_RULE_EBTABLES_POLICY = 1) is skipped.
        Assert.Equal("x", NftUserData.DecodeComment(Hex("01 01 00 00 02 78 00")));
        Assert.Null(NftUserData.DecodeComment(Hex("00 09 6869")));
        Assert.Throws<ArgumentException>(() => NftUserData.EncodeComment(new string('a', 128)));
    }

    [Fact]
    public void ImmediateJumpEncodesVerdictAndChain()
    {
        var rule = new NftRule(NftFamily.Ip, "t", "c", [ImmediateExpression.Jump("x")]);
        var body = Body(NftMessages.NewRule(rule));
        // ... NFTA_IMMEDIATE_DATA { NFTA_DATA_VERDICT { CODE = NFT_JUMP (-3), CHAIN = "x" } }
        Assert.EndsWith("1800028014000280" + "08000100fffffffd" + "0600020078000000", Convert.ToHexStringLower(body));
    }

    internal static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static byte[] Body(byte[] message) => message[16..];

    private static void AssertHeader(byte[] message, ushort msg, ushort flags)
    {
        Assert.Equal((uint)message.Length, BinaryPrimitives.ReadUInt32LittleEndian(message));
        Assert.Equal(NftConst.MessageType(msg), BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(4)));
        Assert.Equal(flags, BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(6)));
    }

    private static List<byte[]> Split(byte[] datagram)
    {
        var list = new List<byte[]>();
        for (int offset = 0; offset < datagram.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram.AsSpan(offset));
            list.Add(datagram[offset..(offset + length)]);
            offset += (length + 3) & ~3;
        }
        return list;
    }
}
