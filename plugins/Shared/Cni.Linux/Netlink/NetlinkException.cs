namespace Cni.Linux.Netlink;

/// <summary>
/// The kernel refused a netlink request. <see cref="ExtendedAck"/> is the kernel's own explanation
/// (NLMSGERR_ATTR_MSG), which is usually far more useful than the errno, e.g.
/// "RTM_NEWLINK veth eth0: EEXIST (File exists): Device already exists".
/// </summary>
public class NetlinkException : LinuxException
{
    public NetlinkException(string operation, int errno, string? extendedAck)
        : base(operation, errno, extendedAck) => ExtendedAck = extendedAck;

    /// <summary>The kernel's extended-ack text, or null when it sent none.</summary>
    public string? ExtendedAck { get; }
}
