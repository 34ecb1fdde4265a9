namespace Cni.Linux.Nftables;

/// <summary>A table: `nft add table FAMILY NAME`.</summary>
public sealed record NftTable(NftFamily Family, string Name);
