using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>
/// `[ immediate reg 0 VERDICT ]` (accept, drop, return, `jump CHAIN`, `goto CHAIN`) or
/// `[ immediate reg N DATA ]` (a constant loaded for a later nat/lookup expression).
/// </summary>
public sealed class ImmediateExpression : NftExpression
{
    private readonly byte[]? _data;

    private ImmediateExpression(NftRegister destination, NftVerdictCode verdict, string? chain, byte[]? data)
    {
        Destination = destination;
        Verdict = verdict;
        Chain = chain;
        _data = data;
    }

    public NftRegister Destination { get; }
    public NftVerdictCode Verdict { get; }
    /// <summary>Target of a jump/goto.</summary>
    public string? Chain { get; }
    public override string Name => "immediate";

    public static ImmediateExpression Accept() => new(NftRegister.Verdict, NftVerdictCode.Accept, null, null);
    public static ImmediateExpression Drop() => new(NftRegister.Verdict, NftVerdictCode.Drop, null, null);
    public static ImmediateExpression Return() => new(NftRegister.Verdict, NftVerdictCode.Return, null, null);
    public static ImmediateExpression Jump(string chain) => new(NftRegister.Verdict, NftVerdictCode.Jump, NonEmpty(chain), null);
    public static ImmediateExpression Goto(string chain) => new(NftRegister.Verdict, NftVerdictCode.Goto, NonEmpty(chain), null);

    /// <summary>Loads constant bytes (an address, a port in network order) into a data register.</summary>
    public static ImmediateExpression Value(NftRegister destination, ReadOnlySpan<byte> data)
    {
        if (destination == NftRegister.Verdict) throw new ArgumentException("data goes to a data register, not the verdict register");
        if (data.IsEmpty || data.Length > 16) throw new ArgumentOutOfRangeException(nameof(data), "immediate data must be 1..16 bytes");
        return new(destination, default, null, data.ToArray());
    }

    private static string NonEmpty(string chain)
        => string.IsNullOrEmpty(chain) ? throw new ArgumentException("jump/goto needs a chain name") : chain;

    private protected override void EncodeData(ref NetlinkWriter w)
    {
        NftWire.Be32(ref w, NftConst.NFTA_IMMEDIATE_DREG, (uint)Destination);
        if (_data != null)
        {
            NftWire.DataValue(ref w, NftConst.NFTA_IMMEDIATE_DATA, _data);
            return;
        }
        using var data = w.Nest(NftWire.Nested(NftConst.NFTA_IMMEDIATE_DATA));
        using var verdict = w.Nest(NftWire.Nested(NftConst.NFTA_DATA_VERDICT));
        NftWire.Be32(ref w, NftConst.NFTA_VERDICT_CODE, unchecked((uint)Verdict));
        if (Chain != null) w.AttributeString(NftConst.NFTA_VERDICT_CHAIN, Chain);
    }
}
