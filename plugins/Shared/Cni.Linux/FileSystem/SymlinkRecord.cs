using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;

namespace Cni.Linux.FileSystem;

/// <summary>
/// A symbolic link used as a tiny key/value record: the name is the key, the link text (never followed, and
/// not a path) is the value. symlink(2) creates it with its whole value in one call, failing when the name
/// exists (like O_EXCL); readlink(2) reads it in one call; a value of up to 60 bytes lives in the inode, so
/// there is no data block to allocate, write back or free. A reader sees the old value or the new, never a
/// torn one, and a kill -9 cannot leave one half written. Compared with a directory per key, removal is one
/// unlink(2) instead of rmdir(2), which on ext4 costs ~0.4 ms (the directory's block is freed through the journal).
/// </summary>
public static class SymlinkRecord
{
    /// <summary>Longest value accepted: readlink's buffer (PATH_MAX).</summary>
    public const int MaxValueBytes = 4095;

    /// <summary>Creates <paramref name="path"/> holding <paramref name="value"/>; false when the name exists.</summary>
    public static bool TryCreate(string path, string value)
    {
        Validate(value);
        while (true)
        {
            if (FsNative.symlink(value, path) == 0) return true;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == FsNative.EINTR) continue;
            if (errno == FsNative.EEXIST) return false;
            throw FsNative.Error("symlink", path);
        }
    }

    /// <summary>
    /// The value of the record at <paramref name="path"/>; false when there is none, or when the name is not a
    /// symlink (a directory or file in its place is not a record).
    /// </summary>
    public static unsafe bool TryRead(string path, [NotNullWhen(true)] out string? value)
    {
        byte* buf = stackalloc byte[MaxValueBytes + 1];
        nint n = FsNative.readlink(path, buf, MaxValueBytes + 1);
        if (n < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            value = null;
            if (errno is FsNative.ENOENT or FsNative.EINVAL or FsNative.ENOTDIR) return false;
            throw FsNative.Error("readlink", path);
        }
        value = Encoding.UTF8.GetString(buf, (int)Math.Min(n, MaxValueBytes));
        return true;
    }

    /// <summary>
    /// Sets <paramref name="path"/> to <paramref name="value"/> whether or not it exists: a new record under a
    /// unique name in <paramref name="tempDir"/> (same file system), then rename(2) over the old one, so readers
    /// see the old value or the new. A crash can leave the temporary name behind; callers clear their temp dir.
    /// </summary>
    public static void Replace(string path, string value, string tempDir)
    {
        if (TryCreate(path, value)) return;
        string tmp;
        do tmp = Path.Combine(tempDir, $"tmp.{Environment.ProcessId}.{Guid.NewGuid():N}");
        while (!TryCreate(tmp, value));
        if (FsNative.rename(tmp, path) != 0)
        {
            var e = FsNative.Error("rename", $"{tmp} -> {path}");
            FsNative.unlink(tmp);
            throw e;
        }
    }

    /// <summary>Removes the record (or any non-directory entry) at <paramref name="path"/>; false when there was none.</summary>
    public static bool Delete(string path)
    {
        if (FsNative.unlink(path) == 0) return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == FsNative.ENOENT) return false;
        throw FsNative.Error("unlink", path);
    }

    private static void Validate(string value)
    {
        if (value.Length == 0 || value.Contains('\0') || Encoding.UTF8.GetByteCount(value) > MaxValueBytes)
            throw new ArgumentException($"a symlink record's value must be 1..{MaxValueBytes} bytes without NUL", nameof(value));
    }
}
