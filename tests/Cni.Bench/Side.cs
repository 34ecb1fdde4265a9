namespace Cni.Bench;

/// <summary>
/// One side of the comparison: where its binaries are, the throwaway network namespace its plugins run in,
/// and a private temp directory (host-local data dirs). Disposing removes the namespace and the directory.
/// </summary>
internal sealed class Side : IDisposable
{
    public string Name { get; }
    public string BinDir { get; }
    public string NetnsPath { get; }
    public string TempDir { get; }

    /// <summary>Largest ru_maxrss seen per plugin binary, over every call (timed or not).</summary>
    public SortedDictionary<string, long> PeakRssKb { get; } = new(StringComparer.Ordinal);

    public void NoteRss(string plugin, long kb)
        => PeakRssKb[plugin] = Math.Max(kb, PeakRssKb.GetValueOrDefault(plugin));

    private readonly string? _netnsName;

    private Side(string name, string binDir, string? netnsName, string tempDir)
    {
        Name = name;
        BinDir = binDir;
        _netnsName = netnsName;
        // Without root there is no namespace; rows that need one are skipped, and the others get a path that
        // names no namespace (host-local, for instance, never opens it).
        NetnsPath = netnsName is null ? "/var/run/netns/cni-bench-none" : "/var/run/netns/" + netnsName;
        TempDir = tempDir;
    }

    public bool HasNetns => _netnsName is not null;

    public string Binary(string plugin) => Path.Combine(BinDir, plugin);

    public static Side Create(string name, string binDir, bool withNetns)
    {
        var temp = Directory.CreateTempSubdirectory($"cni-bench-{name}-").FullName;
        string? ns = null;
        if (withNetns)
        {
            ns = $"cnib-{name}-{Environment.ProcessId}";
            Tools.Run("ip", "netns", "add", ns);
            Tools.Run("ip", "-n", ns, "link", "set", "lo", "down");
        }
        return new Side(name, binDir, ns, temp);
    }

    public void Dispose()
    {
        if (_netnsName is not null)
        {
            Tools.TryRun("ip", "netns", "del", _netnsName);
        }
        try
        {
            Directory.Delete(TempDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
