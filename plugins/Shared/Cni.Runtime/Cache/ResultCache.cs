using System.Text.Json;
using Cni.Sdk;

namespace Cni.Runtime;

/// <summary>
/// libcni's result cache: <c>&lt;cacheDir&gt;/results/&lt;net&gt;-&lt;containerId&gt;-&lt;ifname&gt;</c>, one JSON
/// <c>cniCacheV1</c> record per attachment (directory 0700, files 0600). DEL and CHECK read the ADD result back
/// from here as prevResult; GC lists it to know which attachments exist.
/// </summary>
public sealed class ResultCache
{
    public const string Kind = "cniCacheV1";

    /// <summary>libcni's default cache directory.</summary>
    public const string DefaultDir = "/var/lib/cni";

    public ResultCache(string cacheDir) => CacheDir = cacheDir;

    public string CacheDir { get; }
    public string ResultsDir => Path.Combine(CacheDir, "results");

    public string PathFor(string network, string containerId, string ifName)
    {
        if (network.Length == 0 || containerId.Length == 0 || ifName.Length == 0)
            throw new CniException(CniErrorCode.InvalidEnvironment,
                $"cache file path requires network name (\"{network}\"), container ID (\"{containerId}\"), and interface name (\"{ifName}\")");
        return Path.Combine(ResultsDir, $"{network}-{containerId}-{ifName}");
    }

    /// <summary>Writes the record through a temporary file and rename, so a crash never leaves half a record.</summary>
    public void Write(CachedAttachment a)
    {
        var path = PathFor(a.NetworkName, a.ContainerId, a.IfName);
        Directory.CreateDirectory(ResultsDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var bytes = CachedAttachmentJson.Encode(a);
        var tmp = path + ".tmp-" + Environment.ProcessId;
        using (var f = new FileStream(tmp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            f.Write(bytes);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// The record for one attachment, or null when none is cached. A file that is JSON but not a cniCacheV1
    /// record is read as a bare result (the pre-cniCacheV1 layout libcni still reads). Unparsable: code 6.
    /// </summary>
    public CachedAttachment? Read(string network, string containerId, string ifName)
    {
        var path = PathFor(network, containerId, ifName);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var decoded = CachedAttachmentJson.TryDecode(bytes, out var root);
        if (decoded is not null) return decoded;
        if (root is { ValueKind: JsonValueKind.Object } legacy)
            return new CachedAttachment { ContainerId = containerId, NetworkName = network, IfName = ifName, Result = legacy };
        throw new CniException(CniErrorCode.DecodingFailure, $"failed to unmarshal cached network \"{network}\" result in {path}");
    }

    /// <summary>Removes one record; a missing one is fine (DEL is idempotent).</summary>
    public void Delete(string network, string containerId, string ifName)
    {
        try
        {
            File.Delete(PathFor(network, containerId, ifName));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>
    /// Every readable cniCacheV1 record, optionally for one container, sorted by file name; unreadable or foreign
    /// files are skipped, as libcni's GetCachedAttachments does.
    /// </summary>
    public List<CachedAttachment> List(string? containerId = null)
    {
        var found = new List<CachedAttachment>();
        if (!Directory.Exists(ResultsDir)) return found;
        foreach (var file in Directory.EnumerateFiles(ResultsDir).OrderBy(f => f, StringComparer.Ordinal))
        {
            if (file.Contains(".tmp-", StringComparison.Ordinal)) continue;
            CachedAttachment? a;
            try
            {
                a = CachedAttachmentJson.TryDecode(File.ReadAllBytes(file), out _);
            }
            catch (IOException)
            {
                continue;
            }
            if (a is null || a.IfName.Length == 0 || a.NetworkName.Length == 0) continue;
            if (containerId is not null && a.ContainerId != containerId) continue;
            found.Add(a);
        }
        return found;
    }
}
