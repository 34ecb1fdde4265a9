using System.Text.Json;
using Cni.Linux.FileSystem;
using Cni.Sdk;

namespace Cni.Plugins.Tuning;

/// <summary>
/// The saved-state files in dataDir, one per attachment, named as the reference names them. Writes are atomic
/// (temp file, fsync, rename): a crash mid-ADD leaves the old file or the new one, never half of one, and DEL
/// relies on it to put the interface back.
/// </summary>
public sealed class TuningStateStore(string dataDir)
{
    private const UnixFileMode DirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string DataDir => dataDir;

    public string PathFor(string containerId, string ifName) => Path.Combine(dataDir, $"{containerId}_{ifName}.json");

    /// <summary>The saved state, or null when there is none. An unreadable or corrupt file throws (with its path).</summary>
    public TuningState? TryRead(string containerId, string ifName) => TryReadFile(PathFor(containerId, ifName));

    public void Write(string containerId, string ifName, TuningState state)
    {
        try
        {
            Directory.CreateDirectory(dataDir, DirMode);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(state, TuningJsonContext.Default.TuningState);
            DurableFile.WriteAtomic(PathFor(containerId, ifName), dataDir, bytes, FileMode, fsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IoFailure, $"save tuning state in {dataDir}", e.Message, e);
        }
    }

    /// <summary>Removes the file; a missing file is fine (DEL is idempotent).</summary>
    public void Delete(string containerId, string ifName) => File.Delete(PathFor(containerId, ifName));

    /// <summary>Every state file with its content (null when it cannot be parsed); none when dataDir is missing.</summary>
    public IEnumerable<(string Path, TuningState? State)> List()
    {
        if (!Directory.Exists(dataDir)) yield break;
        foreach (var path in Directory.EnumerateFiles(dataDir, "*.json"))
        {
            TuningState? state;
            try { state = TryReadFile(path); }
            catch (CniException) { state = null; }
            yield return (path, state);
        }
    }

    private static TuningState? TryReadFile(string path)
    {
        byte[] bytes;
        try
        {
            // Nothing saved (no change was made, a second DEL) is common: answered without an exception.
            if (!FileStatus.TryGet(path, out _)) return null;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IoFailure, $"read tuning state {path}", e.Message, e);
        }
        try
        {
            return JsonSerializer.Deserialize(bytes, TuningJsonContext.Default.TuningState)
                ?? throw new CniException(CniErrorCode.DecodingFailure, $"tuning state {path} is null");
        }
        catch (JsonException e)
        {
            throw new CniException(CniErrorCode.DecodingFailure, $"tuning state {path} is not valid JSON", e.Message, e);
        }
    }
}
