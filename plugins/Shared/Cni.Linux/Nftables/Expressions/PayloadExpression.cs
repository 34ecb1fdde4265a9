using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>`[ payload load LENb @ BASE header + OFFSET => reg N ]`: copies packet bytes into a register.</summary>
public sealed class PayloadExpression(NftPayloadBase @base, uint offset, uint length, NftRegister destination = NftRegister.Reg1)
    : NftExpression
{
    public NftPayloadBase Base { get; } = @base;
    public uint Offset { get; } = offset;
    public uint Length { get; } = length is > 0 and <= 64 ? length : throw new ArgumentOutOfRangeException(nameof(length));
    public NftRegister Destination { get; } = destination;
    public override string Name => "payload";

    private protected override void EncodeData(ref NetlinkWriter w)
    {
        NftWire.Be32(ref w, NftConst.NFTA_PAYLOAD_DREG, (uint)Destination);
        NftWire.Be32(ref w, NftConst.NFTA_PAYLOAD_BASE, (uint)Base);
        NftWire.Be32(ref w, NftConst.NFTA_PAYLOAD_OFFSET, Offset);
        NftWire.Be32(ref w, NftConst.NFTA_PAYLOAD_LEN, Length);
    }
}
