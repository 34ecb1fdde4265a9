using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>struct rtattr (linux/rtnetlink.h), the same 4 bytes as struct nlattr: length then type.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct rtattr
{
    public ushort rta_len;
    public ushort rta_type;
}
