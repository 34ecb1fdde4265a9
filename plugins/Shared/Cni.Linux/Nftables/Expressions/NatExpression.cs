using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>
/// `[ nat dnat ip addr_min reg 1 proto_min reg 2 ]`: SNAT/DNAT to an address (and port) previously loaded
/// into registers, typically by <see cref="ImmediateExpression.Value"/>. Family is ip or ip6.
/// </summary>
public sealed class NatExpression(NftNatType type, NftFamily family, NftRegister addressMin,
    NftRegister? protoMin = null, NftRegister? addressMax = null, NftRegister? protoMax = null, uint flags = 0) : NftExpression
{
    public NftNatType Type { get; } = type;
    public NftFamily Family { get; } = family is NftFamily.Ip or NftFamily.Ip6
        ? family : throw new ArgumentException("nat family must be ip or ip6", nameof(family));
    public NftRegister AddressMin { get; } = addressMin;
    public NftRegister? AddressMax { get; } = addressMax;
    public NftRegister? ProtoMin { get; } = protoMin;
    public NftRegister? ProtoMax { get; } = protoMax;
    /// <summary>NF_NAT_RANGE_* flags; a port range needs NF_NAT_RANGE_PROTO_SPECIFIED (2), added automatically.</summary>
    public uint Flags { get; } = flags;
    public override string Name => "nat";

    private protected override void EncodeData(ref NetlinkWriter w)
    {
        NftWire.Be32(ref w, NftConst.NFTA_NAT_TYPE, (uint)Type);
        NftWire.Be32(ref w, NftConst.NFTA_NAT_FAMILY, (uint)Family);
        NftWire.Be32(ref w, NftConst.NFTA_NAT_REG_ADDR_MIN, (uint)AddressMin);
        if (AddressMax is { } amax) NftWire.Be32(ref w, NftConst.NFTA_NAT_REG_ADDR_MAX, (uint)amax);
        if (ProtoMin is { } pmin) NftWire.Be32(ref w, NftConst.NFTA_NAT_REG_PROTO_MIN, (uint)pmin);
        if (ProtoMax is { } pmax) NftWire.Be32(ref w, NftConst.NFTA_NAT_REG_PROTO_MAX, (uint)pmax);
        uint flags = Flags | (ProtoMin != null ? 2u : 0u);
        if (flags != 0) NftWire.Be32(ref w, NftConst.NFTA_NAT_FLAGS, flags);
    }
}
