namespace Cni.Linux.FileSystem;

/// <summary>
/// Crash-safe file publication: content is written to a private temporary file and fsynced before it gets
/// its real name through link(2) (which, like O_EXCL, fails when the name is taken) or rename(2) (which
/// replaces). A reader therefore sees either no file or the whole file, never a torn or empty one.
/// </summary>
public static class DurableFile
{
    /// <summary>
    /// Creates a new file with a unique name in <paramref name="dir"/> holding <paramref name="content"/>,
    /// flushed to disk when <paramref name="fsync"/>; returns its path.
    /// </summary>
    public static string WriteTemp(string dir, ReadOnlySpan<byte> content, UnixFileMode mode, bool fsync)
    {
        while (true)
        {
            var path = System.IO.Path.Combine(dir, $"tmp.{Environment.ProcessId}.{Guid.NewGuid():N}");
            FileStream fs;
            try
            {
                // .NET emulates FileShare with an advisory flock on every FileStream (our binaries turn that off:
                // System.IO.DisableFileLocking in cmd/Directory.Build.props). Where it is on (tests), ReadWrite
                // makes it a shared lock, so it never blocks another process opening the file.
                fs = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite,
                    BufferSize = 0, UnixCreateMode = mode,
                });
            }
            catch (IOException) when (File.Exists(path))
            {
                continue; // a name clash is astronomically unlikely, but harmless: pick another
            }
            using (fs)
            {
                fs.Write(content);
                if (fsync) fs.Flush(flushToDisk: true);
            }
            return path;
        }
    }

    /// <summary>link(2): gives <paramref name="existing"/> a second name. False when <paramref name="newPath"/> exists.</summary>
    public static bool TryLink(string existing, string newPath)
    {
        while (true)
        {
            if (FsNative.link(existing, newPath) == 0) return true;
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno == FsNative.EINTR) continue;
            if (errno == FsNative.EEXIST) return false;
            throw new FileSystemException($"link {existing} -> {newPath}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> by temp file plus rename(2) (replacing).</summary>
    public static void WriteAtomic(string path, string tempDir, ReadOnlySpan<byte> content, UnixFileMode mode, bool fsync)
    {
        var tmp = WriteTemp(tempDir, content, mode, fsync);
        try
        {
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    /// <summary>fsync(2) on a directory, so that names created or removed in it survive a power cut.</summary>
    public static void SyncDirectory(string dir)
    {
        int fd = FsNative.open(dir, FsNative.O_RDONLY | FsNative.O_DIRECTORY | FsNative.O_CLOEXEC, 0);
        if (fd < 0) throw FsNative.Error("open directory", dir);
        try
        {
            if (FsNative.fsync(fd) != 0) throw FsNative.Error("fsync directory", dir);
        }
        finally
        {
            FsNative.close(fd);
        }
    }
}
