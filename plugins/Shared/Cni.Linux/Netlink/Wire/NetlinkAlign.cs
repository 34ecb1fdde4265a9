namespace Cni.Linux.Netlink.Wire;

/// <summary>
/// The one alignment rule of netlink: messages (NLMSG_ALIGN) and attributes (NLA_ALIGN / RTA_ALIGN) both
/// start on 4-byte boundaries. Every offset computation in this library goes through here.
/// </summary>
internal static class NetlinkAlign
{
    public const int To = 4;

    public static int Align(int length) => (length + To - 1) & ~(To - 1);
}
