using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>
/// Encodes single nf_tables messages (nlmsghdr + nfgenmsg + attributes) in the attribute order libnftnl
/// uses, so each one is byte-identical to what `nft --debug=mnl` prints for the same command (sequence
/// numbers and flags aside, which the batch sets). Each method names the `nft` command it matches.
/// </summary>
internal static class NftMessages
{
    private const ushort Create = NetlinkConst.NLM_F_CREATE;

    /// <summary>NFNL_MSG_BATCH_BEGIN with res_id = NFNL_SUBSYS_NFTABLES: opens a transaction.</summary>
    public static byte[] BatchBegin() => Build(NftConst.NFNL_MSG_BATCH_BEGIN, 0, nfgenmsg.For(NftFamily.Unspec, NftConst.NFNL_SUBSYS_NFTABLES));

    /// <summary>NFNL_MSG_BATCH_END: commits everything since the begin, atomically.</summary>
    public static byte[] BatchEnd() => Build(NftConst.NFNL_MSG_BATCH_END, 0, nfgenmsg.For(NftFamily.Unspec, NftConst.NFNL_SUBSYS_NFTABLES));

    /// <summary>`nft add table FAMILY NAME`: NLM_F_CREATE without EXCL, so an existing table is fine.</summary>
    public static byte[] NewTable(NftTable table)
    {
        var w = Start(NftConst.NFT_MSG_NEWTABLE, Create, table.Family);
        try
        {
            w.AttributeString(NftConst.NFTA_TABLE_NAME, table.Name);
            NftWire.Be32(ref w, NftConst.NFTA_TABLE_FLAGS, 0);
            return w.Message.ToArray();
        }
        finally { w.Dispose(); }
    }

    /// <summary>`nft delete table FAMILY NAME` (removes its chains and rules too).</summary>
    public static byte[] DelTable(NftTable table)
    {
        var w = Start(NftConst.NFT_MSG_DELTABLE, 0, table.Family);
        try
        {
            w.AttributeString(NftConst.NFTA_TABLE_NAME, table.Name);
            return w.Message.ToArray();
        }
        finally { w.Dispose(); }
    }

    /// <summary>
    /// `nft add chain FAMILY TABLE NAME [{ type T hook H priority P; policy X; }]`: NLM_F_CREATE without
    /// EXCL, so re-adding an existing chain with the same hook is a no-op (concurrent ADDs all succeed).
    /// </summary>
    public static byte[] NewChain(NftChain chain)
    {
        var w = Start(NftConst.NFT_MSG_NEWCHAIN, Create, chain.Family);
        try
        {
            w.AttributeString(NftConst.NFTA_CHAIN_TABLE, chain.Table);
            w.AttributeString(NftConst.NFTA_CHAIN_NAME, chain.Name);
            if (chain.BaseChain is { } spec)
            {
                w.AttributeString(NftConst.NFTA_CHAIN_TYPE, spec.Type);
                NftWire.Be32(ref w, NftConst.NFTA_CHAIN_POLICY, (uint)spec.Policy);
                using var hook = w.Nest(NftWire.Nested(NftConst.NFTA_CHAIN_HOOK));
                NftWire.Be32(ref w, NftConst.NFTA_HOOK_HOOKNUM, (uint)spec.Hook);
                NftWire.Be32(ref w, NftConst.NFTA_HOOK_PRIORITY, unchecked((uint)spec.Priority));
            }
            return w.Message.ToArray();
        }
        finally { w.Dispose(); }
    }

    /// <summary>`nft delete chain FAMILY TABLE NAME` (the chain must be empty and unreferenced).</summary>
    public static byte[] DelChain(NftFamily family, string table, string name)
    {
        var w = Start(NftConst.NFT_MSG_DELCHAIN, 0, family);
        try
        {
            w.AttributeString(NftConst.NFTA_CHAIN_TABLE, table);
            w.AttributeString(NftConst.NFTA_CHAIN_NAME, name);
            return w.Message.ToArray();
        }
        finally { w.Dispose(); }
    }

    /// <summary>`nft add rule FAMILY TABLE CHAIN ... comment "..."`: NLM_F_CREATE|NLM_F_APPEND (at the end).</summary>
    public static byte[] NewRule(NftRule rule)
    {
        var w = Start(NftConst.NFT_MSG_NEWRULE, Create | NetlinkConst.NLM_F_APPEND, rule.Family, capacity: 1024);
        try
        {
            w.AttributeString(NftConst.NFTA_RULE_TABLE, rule.Table);
            w.AttributeString(NftConst.NFTA_RULE_CHAIN, rule.Chain);
            using (w.Nest(NftWire.Nested(NftConst.NFTA_RULE_EXPRESSIONS)))
            {
                foreach (var expression in rule.Expressions) expression.Encode(ref w);
            }
            if (rule.Comment != null) w.Attribute(NftConst.NFTA_RULE_USERDATA, NftUserData.EncodeComment(rule.Comment));
            return w.Message.ToArray();
        }
        finally { w.Dispose(); }
    }

    /// <summary>
    /// `nft delete rule FAMILY TABLE CHAIN handle N`; with no handle, `nft flush chain FAMILY TABLE CHAIN`.
    /// </summary>
    public static byte[] DelRule(NftFamily family, string table, string chain, ulong? handle)
    {
        var w = Start(NftConst.NFT_MSG_DELRULE, 0, family);
        try
        {
            w.AttributeString(NftConst.NFTA_RULE_TABLE, table);
            w.AttributeString(NftConst.NFTA_RULE_CHAIN, chain);
            if (handle is { } h) NftWire.Be64(ref w, NftConst.NFTA_RULE_HANDLE, h);
            return w.Message.ToArray();
        }
        finally { w.Dispose(); }
    }

    /// <summary>Starts a message of the nf_tables subsystem: nlmsghdr (type = subsys &lt;&lt; 8 | msg) + nfgenmsg.</summary>
    internal static NetlinkWriter Start(ushort msg, ushort flags, NftFamily family, int capacity = 256)
    {
        var w = new NetlinkWriter(NftConst.MessageType(msg), flags, capacity);
        w.Write(nfgenmsg.For(family));
        return w;
    }

    private static byte[] Build(ushort type, ushort flags, nfgenmsg header)
    {
        var w = new NetlinkWriter(type, flags, 64);
        try
        {
            w.Write(header);
            return w.Message.ToArray();
        }
        finally { w.Dispose(); }
    }
}
