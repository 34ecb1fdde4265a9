using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>struct sockaddr_nl (linux/netlink.h): a netlink endpoint; nl_pid 0 is the kernel.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct sockaddr_nl
{
    public ushort nl_family;
    public ushort nl_pad;
    public uint nl_pid;
    public uint nl_groups;
}
