using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>struct nlmsgerr (linux/netlink.h): payload of NLMSG_ERROR; error 0 is an ACK.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct nlmsgerr
{
    public int error;
    public nlmsghdr msg;
}
