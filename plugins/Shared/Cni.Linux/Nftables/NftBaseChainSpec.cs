namespace Cni.Linux.Nftables;

/// <summary>
/// What makes a chain a base chain: `{ type TYPE hook HOOK priority PRIORITY; policy POLICY; }`.
/// Type is "filter", "nat" or "route". Priorities by name: srcnat = 100, dstnat = -100, filter = 0.
/// </summary>
public sealed record NftBaseChainSpec(string Type, NftHook Hook, int Priority, NftPolicy Policy = NftPolicy.Accept)
{
    public const int PrioritySrcNat = 100;
    public const int PriorityDstNat = -100;
    public const int PriorityFilter = 0;
}
