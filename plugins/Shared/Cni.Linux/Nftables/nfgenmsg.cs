using System.Runtime.InteropServices;

namespace Cni.Linux.Nftables;

/// <summary>struct nfgenmsg (linux/netfilter/nfnetlink.h): the fixed header of every nfnetlink message.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct nfgenmsg
{
    public byte nfgen_family;
    public byte version;
    /// <summary>Big endian. NFNL_SUBSYS_NFTABLES in a batch-begin/end; 0 (or the generation) otherwise.</summary>
    public ushort res_id;

    public static nfgenmsg For(NftFamily family, ushort resIdHostOrder = 0) => new()
    {
        nfgen_family = (byte)family,
        version = NftConst.NFNETLINK_V0,
        res_id = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(resIdHostOrder),
    };
}
