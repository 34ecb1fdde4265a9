namespace Cni.Linux.Nftables;

/// <summary>
/// A rule as listed by the kernel (`nft -a list chain FAMILY TABLE CHAIN`): where it is, its handle (stable
/// for the rule's life, what `nft delete rule ... handle N` takes) and its comment. Expressions are not
/// decoded: selecting by comment and deleting by handle is all the firewall needs.
/// </summary>
public sealed record NftRuleInfo(NftFamily Family, string Table, string Chain, ulong Handle, string? Comment);
