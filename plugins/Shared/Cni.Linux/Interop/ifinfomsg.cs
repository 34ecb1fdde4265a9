using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>struct ifinfomsg (linux/rtnetlink.h): fixed part of RTM_*LINK messages.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ifinfomsg
{
    public byte ifi_family;
    public byte __ifi_pad;
    public ushort ifi_type;
    public int ifi_index;
    public uint ifi_flags;
    public uint ifi_change;
}
