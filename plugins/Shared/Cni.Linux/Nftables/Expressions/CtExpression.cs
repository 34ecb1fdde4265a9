using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>`[ ct load KEY => reg N ]`: loads conntrack state (state bits, direction, mark) into a register.</summary>
public sealed class CtExpression(NftCtKey key, NftRegister destination = NftRegister.Reg1) : NftExpression
{
    public NftCtKey Key { get; } = key;
    public NftRegister Destination { get; } = destination;
    public override string Name => "ct";

    private protected override void EncodeData(ref NetlinkWriter w)
    {
        NftWire.Be32(ref w, NftConst.NFTA_CT_KEY, (uint)Key);
        NftWire.Be32(ref w, NftConst.NFTA_CT_DREG, (uint)Destination);
    }
}
