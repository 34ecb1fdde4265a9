using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>struct rtmsg (linux/rtnetlink.h): fixed part of RTM_*ROUTE messages.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct rtmsg
{
    public byte rtm_family;
    public byte rtm_dst_len;
    public byte rtm_src_len;
    public byte rtm_tos;
    public byte rtm_table;
    public byte rtm_protocol;
    public byte rtm_scope;
    public byte rtm_type;
    public uint rtm_flags;
}
