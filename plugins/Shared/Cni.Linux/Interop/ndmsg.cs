using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>struct ndmsg (linux/neighbour.h): fixed part of RTM_*NEIGH messages (neighbours and bridge FDB).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ndmsg
{
    public byte ndm_family;
    public byte ndm_pad1;
    public ushort ndm_pad2;
    public int ndm_ifindex;
    public ushort ndm_state;
    public byte ndm_flags;
    public byte ndm_type;
}
