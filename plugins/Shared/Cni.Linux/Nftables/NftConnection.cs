using Cni.Linux.Interop;
using Cni.Linux.Netlink;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>
/// One NETLINK_NETFILTER socket bound in the calling thread's network namespace, speaking nf_tables:
/// list a chain's rules (handle + comment) and commit transactions. Open it inside `NetNs.Run` to work on
/// a container's or a test's namespace. Not thread-safe; open one per thread.
/// </summary>
public sealed class NftConnection : IDisposable
{
    private readonly NetlinkSocket _socket;

    private NftConnection(NetlinkSocket socket) => _socket = socket;

    /// <summary>Opens the socket in the calling thread's current network namespace.</summary>
    public static NftConnection Open() => new(NetlinkSocket.Open(NetlinkSocket.NETLINK_NETFILTER));

    /// <summary>Starts an empty transaction (nothing is sent until <see cref="Commit"/>).</summary>
    public static NftTransaction Begin() => new();

    /// <summary>
    /// Sends <paramref name="transaction"/> as one batch and returns when the kernel committed it; throws a
    /// <see cref="NetlinkException"/> naming the failing operation (e.g. "nft batch: delete rule inet t c
    /// handle 7: ENOENT") when it rejected it, in which case nothing was changed. An empty one is a no-op.
    /// </summary>
    public void Commit(NftTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Count == 0) return;
        var datagram = transaction.BuildDatagram();
        _socket.SendBatch(datagram, transaction.Operations, "nft batch");
    }

    /// <summary>
    /// `nft -a list chain FAMILY TABLE CHAIN`, reduced to handle + comment per rule. A missing table or chain
    /// lists nothing (the kernel filters the dump by name), which is what "remove if present" wants.
    /// </summary>
    public List<NftRuleInfo> ListRules(NftFamily family, string table, string chain)
    {
        var w = NftMessages.Start(NftConst.NFT_MSG_GETRULE, NetlinkConst.NLM_F_DUMP, family);
        try
        {
            w.AttributeString(NftConst.NFTA_RULE_TABLE, table);
            w.AttributeString(NftConst.NFTA_RULE_CHAIN, chain);
            string operation = $"list chain {NftTransaction.Describe(family)} {table} {chain}";
            try
            {
                return _socket.Query(ref w, operation, DecodeRule);
            }
            catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
            {
                return []; // older kernels answer a filtered dump of a missing table with ENOENT
            }
        }
        finally { w.Dispose(); }
    }

    private static NftRuleInfo? DecodeRule(NetlinkMessage message)
    {
        if (message.Type != NftConst.MessageType(NftConst.NFT_MSG_NEWRULE)) return null;
        var header = message.Read<nfgenmsg>();
        string? table = null, chain = null, comment = null;
        ulong handle = 0;
        foreach (var a in message.Attributes<nfgenmsg>())
        {
            switch (a.Type)
            {
                case NftConst.NFTA_RULE_TABLE: table = a.String; break;
                case NftConst.NFTA_RULE_CHAIN: chain = a.String; break;
                case NftConst.NFTA_RULE_HANDLE: handle = NftWire.ReadBe64(a.Value); break;
                case NftConst.NFTA_RULE_USERDATA: comment = NftUserData.DecodeComment(a.Value); break;
            }
        }
        if (table == null || chain == null) return null;
        return new NftRuleInfo((NftFamily)header.nfgen_family, table, chain, handle, comment);
    }

    public void Dispose() => _socket.Dispose();
}
