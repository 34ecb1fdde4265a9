using System.Runtime.InteropServices;

namespace Cni.Linux.Interop;

/// <summary>
/// struct statx (linux/stat.h). Used instead of struct stat because its layout is the same on every
/// architecture; only the identity fields (inode, device) are named, the rest is kept as padding.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct statx
{
    [FieldOffset(0)] public uint stx_mask;
    [FieldOffset(28)] public ushort stx_mode;
    [FieldOffset(32)] public ulong stx_ino;
    [FieldOffset(136)] public uint stx_dev_major;
    [FieldOffset(140)] public uint stx_dev_minor;
}
