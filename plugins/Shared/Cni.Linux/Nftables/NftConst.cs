namespace Cni.Linux.Nftables;

/// <summary>
/// Constants from linux/netfilter/nfnetlink.h and linux/netfilter/nf_tables.h, uapi spelling so each one
/// can be grepped against the header. Only what the encoder uses is listed.
/// </summary>
internal static class NftConst
{
    // nfnetlink.h
    public const ushort NFNL_SUBSYS_NFTABLES = 10;
    public const ushort NFNL_MSG_BATCH_BEGIN = 16; // NLMSG_MIN_TYPE
    public const ushort NFNL_MSG_BATCH_END = 17;
    public const byte NFNETLINK_V0 = 0;

    // enum nf_tables_msg_types; on the wire the type is (NFNL_SUBSYS_NFTABLES << 8) | msg.
    public const ushort NFT_MSG_NEWTABLE = 0, NFT_MSG_GETTABLE = 1, NFT_MSG_DELTABLE = 2;
    public const ushort NFT_MSG_NEWCHAIN = 3, NFT_MSG_GETCHAIN = 4, NFT_MSG_DELCHAIN = 5;
    public const ushort NFT_MSG_NEWRULE = 6, NFT_MSG_GETRULE = 7, NFT_MSG_DELRULE = 8;

    public static ushort MessageType(ushort msg) => (ushort)((NFNL_SUBSYS_NFTABLES << 8) | msg);

    // enum nft_table_attributes
    public const ushort NFTA_TABLE_NAME = 1, NFTA_TABLE_FLAGS = 2, NFTA_TABLE_HANDLE = 4;

    // enum nft_chain_attributes
    public const ushort NFTA_CHAIN_TABLE = 1, NFTA_CHAIN_HANDLE = 2, NFTA_CHAIN_NAME = 3, NFTA_CHAIN_HOOK = 4,
        NFTA_CHAIN_POLICY = 5, NFTA_CHAIN_TYPE = 7;

    // enum nft_hook_attributes
    public const ushort NFTA_HOOK_HOOKNUM = 1, NFTA_HOOK_PRIORITY = 2;

    // enum nft_rule_attributes
    public const ushort NFTA_RULE_TABLE = 1, NFTA_RULE_CHAIN = 2, NFTA_RULE_HANDLE = 3, NFTA_RULE_EXPRESSIONS = 4,
        NFTA_RULE_POSITION = 6, NFTA_RULE_USERDATA = 7;

    // enum nft_list_attributes / nft_expr_attributes
    public const ushort NFTA_LIST_ELEM = 1;
    public const ushort NFTA_EXPR_NAME = 1, NFTA_EXPR_DATA = 2;

    // enum nft_data_attributes / nft_verdict_attributes
    public const ushort NFTA_DATA_VALUE = 1, NFTA_DATA_VERDICT = 2;
    public const ushort NFTA_VERDICT_CODE = 1, NFTA_VERDICT_CHAIN = 2;

    // per-expression attributes
    public const ushort NFTA_META_DREG = 1, NFTA_META_KEY = 2;
    public const ushort NFTA_PAYLOAD_DREG = 1, NFTA_PAYLOAD_BASE = 2, NFTA_PAYLOAD_OFFSET = 3, NFTA_PAYLOAD_LEN = 4;
    public const ushort NFTA_CMP_SREG = 1, NFTA_CMP_OP = 2, NFTA_CMP_DATA = 3;
    public const ushort NFTA_BITWISE_SREG = 1, NFTA_BITWISE_DREG = 2, NFTA_BITWISE_LEN = 3, NFTA_BITWISE_MASK = 4,
        NFTA_BITWISE_XOR = 5;
    public const ushort NFTA_IMMEDIATE_DREG = 1, NFTA_IMMEDIATE_DATA = 2;
    public const ushort NFTA_NAT_TYPE = 1, NFTA_NAT_FAMILY = 2, NFTA_NAT_REG_ADDR_MIN = 3, NFTA_NAT_REG_ADDR_MAX = 4,
        NFTA_NAT_REG_PROTO_MIN = 5, NFTA_NAT_REG_PROTO_MAX = 6, NFTA_NAT_FLAGS = 7;
    public const ushort NFTA_MASQ_FLAGS = 1;
    public const ushort NFTA_CT_DREG = 1, NFTA_CT_KEY = 2, NFTA_CT_DIRECTION = 3;

    // libnftnl's udata TLV for rules (what `nft` shows as `comment`).
    public const byte NFTNL_UDATA_RULE_COMMENT = 0;

    /// <summary>nft's own limit on a comment (NFT_USERDATA_MAXLEN is 256 for the whole TLV area).</summary>
    public const int MaxCommentLength = 128;
}
