using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>
/// One nf_tables expression of a rule: a name (NFTA_EXPR_NAME, the kernel module's expression type) and its
/// attributes (NFTA_EXPR_DATA). Each subclass encodes exactly what `nft --debug=netlink` prints for it.
/// The set of kinds is closed (the encoder is internal), so callers compose rules without touching bytes.
/// </summary>
public abstract class NftExpression
{
    private protected NftExpression() { }

    /// <summary>The kernel's expression name: "meta", "payload", "cmp"...</summary>
    public abstract string Name { get; }

    /// <summary>Writes NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA { ... } }.</summary>
    internal void Encode(ref NetlinkWriter w)
    {
        using var element = w.Nest(NftWire.Nested(NftConst.NFTA_LIST_ELEM));
        w.AttributeString(NftConst.NFTA_EXPR_NAME, Name);
        using var data = w.Nest(NftWire.Nested(NftConst.NFTA_EXPR_DATA));
        EncodeData(ref w);
    }

    /// <summary>The expression's own attributes, inside NFTA_EXPR_DATA.</summary>
    private protected abstract void EncodeData(ref NetlinkWriter w);
}
