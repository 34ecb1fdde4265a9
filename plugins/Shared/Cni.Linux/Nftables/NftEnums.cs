namespace Cni.Linux.Nftables;

/// <summary>enum nft_registers: the verdict register and the four 16-byte data registers.</summary>
public enum NftRegister : uint { Verdict = 0, Reg1 = 1, Reg2 = 2, Reg3 = 3, Reg4 = 4 }

/// <summary>enum nft_meta_keys (subset): what `meta KEY` loads.</summary>
public enum NftMetaKey : uint
{
    Len = 0, Protocol = 1, Mark = 3, Iif = 4, Oif = 5, IifName = 6, OifName = 7, NfProto = 15, L4Proto = 16,
}

/// <summary>enum nft_payload_bases: where a payload offset counts from.</summary>
public enum NftPayloadBase : uint { LinkLayer = 0, Network = 1, Transport = 2 }

/// <summary>enum nft_cmp_ops.</summary>
public enum NftCmpOp : uint { Eq = 0, Neq = 1, Lt = 2, Lte = 3, Gt = 4, Gte = 5 }

/// <summary>enum nft_ct_keys (subset).</summary>
public enum NftCtKey : uint { State = 0, Direction = 1, Status = 2, Mark = 3 }

/// <summary>enum nft_nat_types.</summary>
public enum NftNatType : uint { Snat = 0, Dnat = 1 }

/// <summary>
/// Verdict codes (NF_DROP/NF_ACCEPT from linux/netfilter.h, the negative NFT_* ones from enum nft_verdicts).
/// </summary>
public enum NftVerdictCode : int { Drop = 0, Accept = 1, Continue = -1, Break = -2, Jump = -3, Goto = -4, Return = -5 }

/// <summary>Netfilter hooks of the inet/ip/ip6/bridge families (enum nf_inet_hooks).</summary>
public enum NftHook : uint { Prerouting = 0, Input = 1, Forward = 2, Output = 3, Postrouting = 4 }

/// <summary>Base chain policy (NF_DROP / NF_ACCEPT).</summary>
public enum NftPolicy : uint { Drop = 0, Accept = 1 }
