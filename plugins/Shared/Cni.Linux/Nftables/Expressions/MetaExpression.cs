using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>`[ meta load KEY => reg N ]`: loads packet metadata (nfproto, iifname, mark...) into a register.</summary>
public sealed class MetaExpression(NftMetaKey key, NftRegister destination = NftRegister.Reg1) : NftExpression
{
    public NftMetaKey Key { get; } = key;
    public NftRegister Destination { get; } = destination;
    public override string Name => "meta";

    private protected override void EncodeData(ref NetlinkWriter w)
    {
        NftWire.Be32(ref w, NftConst.NFTA_META_KEY, (uint)Key);
        NftWire.Be32(ref w, NftConst.NFTA_META_DREG, (uint)Destination);
    }
}
