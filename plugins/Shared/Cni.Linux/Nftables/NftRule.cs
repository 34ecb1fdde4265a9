namespace Cni.Linux.Nftables;

/// <summary>
/// A rule to add: `nft add rule FAMILY TABLE CHAIN EXPRESSIONS... comment "COMMENT"`. The comment travels in
/// the rule's userdata, which is how `nft` stores it, so `nft list` shows it and we can select rules by it.
/// </summary>
public sealed class NftRule
{
    public NftRule(NftFamily family, string table, string chain, IEnumerable<NftExpression> expressions, string? comment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentException.ThrowIfNullOrEmpty(chain);
        Family = family;
        Table = table;
        Chain = chain;
        Expressions = [.. expressions];
        if (Expressions.Count == 0) throw new ArgumentException("a rule needs at least one expression", nameof(expressions));
        if (comment != null && System.Text.Encoding.UTF8.GetByteCount(comment) >= NftConst.MaxCommentLength)
            throw new ArgumentException($"comment longer than {NftConst.MaxCommentLength - 1} bytes", nameof(comment));
        Comment = comment;
    }

    public NftFamily Family { get; }
    public string Table { get; }
    public string Chain { get; }
    public IReadOnlyList<NftExpression> Expressions { get; }
    public string? Comment { get; }
}
