using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>struct nlmsghdr (linux/netlink.h): the 16-byte header of every netlink message.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct nlmsghdr
{
    public uint nlmsg_len;
    public ushort nlmsg_type;
    public ushort nlmsg_flags;
    public uint nlmsg_seq;
    public uint nlmsg_pid;
}
