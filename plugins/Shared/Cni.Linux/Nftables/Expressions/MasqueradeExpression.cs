using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>`[ masq ]`: source NAT to the outgoing interface's address (only valid in a nat postrouting chain).</summary>
public sealed class MasqueradeExpression(uint flags = 0) : NftExpression
{
    /// <summary>NF_NAT_RANGE_* flags (e.g. 0x10 = fully random); 0 sends none, as `nft ... masquerade` does.</summary>
    public uint Flags { get; } = flags;
    public override string Name => "masq";

    private protected override void EncodeData(ref NetlinkWriter w)
    {
        if (Flags != 0) NftWire.Be32(ref w, NftConst.NFTA_MASQ_FLAGS, Flags);
    }
}
