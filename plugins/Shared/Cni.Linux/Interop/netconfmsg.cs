using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>struct netconfmsg (linux/netconf.h): fixed part of RTM_*NETCONF messages (one byte, padded to 4 on the wire).</summary>
[StructLayout(LayoutKind.Sequential, Size = 4)]
internal struct netconfmsg
{
    public byte ncm_family;
}
