using System.Globalization;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// What the store knew when it last let go of the lock: the network directory's mtime after its own last
/// change, how many lease files it held, and whether the kernel's clock had already moved past that mtime.
/// If the directory's mtime is unchanged at the next open, nobody (the reference binary, an operator) has
/// added or removed a lease since, so the owner index is complete and a full scan is unnecessary.
/// </summary>
internal readonly record struct StoreState(long DirMtimeNs, int LeaseCount, bool Settled)
{
    // v2: the index is symlink records (v1: directories of hard links); a v1 state makes the next open rebuild it.
    private const string Magic = "host-local-index-state v2";

    public string Serialize() => string.Create(CultureInfo.InvariantCulture, $"{Magic} {DirMtimeNs} {LeaseCount} {(Settled ? 1 : 0)}\n");

    public static StoreState? Parse(string text)
    {
        var f = text.Trim().Split(' ');
        if (f.Length != 5 || $"{f[0]} {f[1]}" != Magic) return null;
        if (!long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out long mtime)) return null;
        if (!int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int count)) return null;
        return new StoreState(mtime, count, f[4] == "1");
    }
}
