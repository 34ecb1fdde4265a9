using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>struct ifaddrmsg (linux/if_addr.h): fixed part of RTM_*ADDR messages.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ifaddrmsg
{
    public byte ifa_family;
    public byte ifa_prefixlen;
    public byte ifa_flags;
    public byte ifa_scope;
    public uint ifa_index;
}
