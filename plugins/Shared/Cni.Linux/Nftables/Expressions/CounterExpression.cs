using Cni.Linux.Netlink.Wire;

namespace Cni.Linux.Nftables;

/// <summary>`[ counter pkts 0 bytes 0 ]`: counts packets and bytes reaching this point of the rule.</summary>
public sealed class CounterExpression : NftExpression
{
    public override string Name => "counter";

    // nft sends an empty NFTA_EXPR_DATA for a fresh counter; the kernel starts it at zero.
    private protected override void EncodeData(ref NetlinkWriter w) { }
}
