using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>
/// `[ fib daddr type => reg 1 ]`: asks the routing table about the packet (here: what type of address its
/// destination is) and loads the answer into a register. `fib daddr type local` is this followed by a cmp
/// against RTN_LOCAL (2) as a host-endian u32, which is how portmap limits DNAT to the host's own addresses.
/// </summary>
public sealed class FibExpression(FibResult result, FibFlags flags, NftRegister destination = NftRegister.Reg1) : NftExpression
{
    // enum nft_fib_attributes (linux/netfilter/nf_tables.h); kept here, the only user.
    private const ushort NFTA_FIB_DREG = 1, NFTA_FIB_RESULT = 2, NFTA_FIB_FLAGS = 3;

    /// <summary>RTN_LOCAL from linux/rtnetlink.h: what `fib ... type` answers for an address of this host.</summary>
    public const uint AddressTypeLocal = 2;

    public FibResult Result { get; } = result;
    public FibFlags Flags { get; } = flags;
    public NftRegister Destination { get; } = destination;
    public override string Name => "fib";

    /// <summary>`fib daddr type local`: the fib lookup and the cmp that keeps only local destinations.</summary>
    public static NftExpression[] DestinationIsLocal()
        => [new FibExpression(FibResult.AddressType, FibFlags.DestinationAddress),
            new CmpExpression(NftCmpOp.Eq, BitConverter.GetBytes(AddressTypeLocal))];

    private protected override void EncodeData(ref NetlinkWriter w)
    {
        NftWire.Be32(ref w, NFTA_FIB_DREG, (uint)Destination);
        NftWire.Be32(ref w, NFTA_FIB_RESULT, (uint)Result);
        NftWire.Be32(ref w, NFTA_FIB_FLAGS, (uint)Flags);
    }
}

/// <summary>enum nft_fib_result: what the lookup returns.</summary>
public enum FibResult : uint { OutputInterface = 1, OutputInterfaceName = 2, AddressType = 3 }

/// <summary>enum nft_fib_flags: which address is looked up and how.</summary>
[Flags]
public enum FibFlags : uint { SourceAddress = 1, DestinationAddress = 2, Mark = 4, InputInterface = 8, OutputInterface = 16, Present = 32 }
