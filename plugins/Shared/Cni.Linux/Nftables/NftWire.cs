using System.Buffers.Binary;
using Cni.Linux.Interop;
using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>
/// The two encoding rules nf_tables adds on top of plain netlink: integers are big endian (NLA_BE32/BE64),
/// and nests carry NLA_F_NESTED (as libnftnl sends them, so our bytes equal `nft --debug=mnl`).
/// </summary>
internal static class NftWire
{
    public static void Be32(ref NetlinkWriter w, ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        w.Attribute(type, b);
    }

    public static void Be64(ref NetlinkWriter w, ushort type, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        w.Attribute(type, b);
    }

    public static ushort Nested(ushort type) => (ushort)(type | NetlinkConst.NLA_F_NESTED);

    /// <summary>A struct nft_data holding a value: NEST(type){ NFTA_DATA_VALUE = bytes }.</summary>
    public static void DataValue(ref NetlinkWriter w, ushort type, ReadOnlySpan<byte> value)
    {
        using var data = w.Nest(Nested(type));
        w.Attribute(NftConst.NFTA_DATA_VALUE, value);
    }

    public static uint ReadBe32(ReadOnlySpan<byte> value) => value.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(value) : 0;

    public static ulong ReadBe64(ReadOnlySpan<byte> value) => value.Length >= 8 ? BinaryPrimitives.ReadUInt64BigEndian(value) : 0;
}
