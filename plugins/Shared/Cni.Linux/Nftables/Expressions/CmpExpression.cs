using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>`[ cmp OP reg N DATA ]`: compares a register with constant bytes; a false match ends the rule.</summary>
public sealed class CmpExpression : NftExpression
{
    private readonly byte[] _data;

    public CmpExpression(NftCmpOp op, ReadOnlySpan<byte> data, NftRegister source = NftRegister.Reg1)
    {
        if (data.IsEmpty || data.Length > 64) throw new ArgumentOutOfRangeException(nameof(data), "cmp data must be 1..64 bytes");
        Op = op;
        _data = data.ToArray();
        Source = source;
    }

    public NftCmpOp Op { get; }
    public NftRegister Source { get; }
    public ReadOnlySpan<byte> Data => _data;
    public override string Name => "cmp";

    private protected override void EncodeData(ref NetlinkWriter w)
    {
        NftWire.Be32(ref w, NftConst.NFTA_CMP_SREG, (uint)Source);
        NftWire.Be32(ref w, NftConst.NFTA_CMP_OP, (uint)Op);
        NftWire.DataValue(ref w, NftConst.NFTA_CMP_DATA, _data);
    }
}
