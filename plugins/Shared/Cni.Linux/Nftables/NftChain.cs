namespace Cni.Linux.Nftables;

/// <summary>
/// A chain: `nft add chain FAMILY TABLE NAME` (regular, reached by jump/goto) or, with
/// <see cref="BaseChain"/>, `nft add chain FAMILY TABLE NAME { type .. hook .. priority ..; policy ..; }`.
/// </summary>
public sealed record NftChain(NftFamily Family, string Table, string Name, NftBaseChainSpec? BaseChain = null);
