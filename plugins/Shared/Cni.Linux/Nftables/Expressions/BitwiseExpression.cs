using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>
/// `[ bitwise reg D = ( reg S &amp; MASK ) ^ XOR ]`: the boolean form nft uses for prefixes
/// (`ip daddr 10.0.0.0/20` is a load, a mask, then a cmp).
/// </summary>
public sealed class BitwiseExpression : NftExpression
{
    private readonly byte[] _mask;
    private readonly byte[] _xor;

    public BitwiseExpression(ReadOnlySpan<byte> mask, ReadOnlySpan<byte> xor,
        NftRegister source = NftRegister.Reg1, NftRegister destination = NftRegister.Reg1)
    {
        if (mask.IsEmpty || mask.Length != xor.Length) throw new ArgumentException("mask and xor must have the same, non-zero length");
        _mask = mask.ToArray();
        _xor = xor.ToArray();
        Source = source;
        Destination = destination;
    }

    public NftRegister Source { get; }
    public NftRegister Destination { get; }
    public override string Name => "bitwise";

    private protected override void EncodeData(ref NetlinkWriter w)
    {
        NftWire.Be32(ref w, NftConst.NFTA_BITWISE_SREG, (uint)Source);
        NftWire.Be32(ref w, NftConst.NFTA_BITWISE_DREG, (uint)Destination);
        NftWire.Be32(ref w, NftConst.NFTA_BITWISE_LEN, (uint)_mask.Length);
        NftWire.DataValue(ref w, NftConst.NFTA_BITWISE_MASK, _mask);
        NftWire.DataValue(ref w, NftConst.NFTA_BITWISE_XOR, _xor);
    }
}
