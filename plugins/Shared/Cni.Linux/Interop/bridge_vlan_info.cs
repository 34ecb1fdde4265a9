using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>struct bridge_vlan_info (linux/if_bridge.h): one VLAN entry of a bridge port, in IFLA_AF_SPEC.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct bridge_vlan_info
{
    public ushort flags;
    public ushort vid;
}
