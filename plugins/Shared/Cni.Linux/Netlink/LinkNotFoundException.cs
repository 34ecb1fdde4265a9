namespace Cni.Linux.Netlink;

/// <summary>
/// The link named in a request does not exist (ENODEV, or no link of that name). A separate type because
/// CNI DEL treats a missing link as success and must tell it apart from every other failure.
/// </summary>
public sealed class LinkNotFoundException : NetlinkException
{
    public LinkNotFoundException(string operation, int errno, string? extendedAck)
        : base(operation, errno, extendedAck) { }
}
