namespace Cni.Linux.FileSystem;

/// <summary>A failed file-system call, with the errno kept so callers can tell "exists" from "broken".</summary>
public class FileSystemException(string message, int errno) : IOException(message)
{
    public int Errno { get; } = errno;
}

/// <summary>
/// A lock that stayed held by someone else for longer than the caller was willing to wait. Callers map it
/// to "try again later" instead of hanging behind a stuck process.
/// </summary>
public sealed class LockTimeoutException(string path, TimeSpan waited)
    : IOException($"lock {path} still held by another process after {waited.TotalSeconds:0.###} s")
{
    public string Path { get; } = path;
}
