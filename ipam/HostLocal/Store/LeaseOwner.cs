using Cni.Linux.Hashing;
using System.Text;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// Who holds a lease: (container ID, interface name). The reference writes it into each lease file as
/// <c>&lt;containerID&gt;\r\n&lt;ifname&gt;</c>; older reference versions wrote the container ID alone, which
/// <see cref="IsLegacy"/> marks (an empty <see cref="IfName"/>).
/// </summary>
public readonly record struct LeaseOwner(string ContainerId, string IfName)
{
    public const string LineBreak = "\r\n";

    public bool IsLegacy => IfName.Length == 0;

    /// <summary>The lease file content, exactly as the reference writes it (no trailing newline).</summary>
    public string FileContent => IsLegacy ? ContainerId.Trim() : ContainerId.Trim() + LineBreak + IfName;

    /// <summary>
    /// Parses a lease file's content the way the reference compares it (whitespace-trimmed). Content without
    /// a line break is a legacy id-only lease. Returns false for empty content.
    /// </summary>
    public static bool TryParse(string content, out LeaseOwner owner)
    {
        var t = content.Trim();
        owner = default;
        if (t.Length == 0) return false;
        int br = t.IndexOf(LineBreak, StringComparison.Ordinal);
        owner = br < 0 ? new LeaseOwner(t, "") : new LeaseOwner(t[..br].Trim(), t[(br + LineBreak.Length)..]);
        return true;
    }

    /// <summary>A short, file-name-safe, fixed-length key for the owner index (SHA-256 of the file content).</summary>
    public string IndexKey
    {
        get
        {
            return Sha256.HashHex(Encoding.UTF8.GetBytes((IsLegacy ? "legacy\n" : "owner\n") + FileContent))[..32];
        }
    }

    public override string ToString() => IsLegacy ? ContainerId : $"{ContainerId}/{IfName}";
}
