namespace Cni.Bench;

/// <summary>
/// A throwaway "host" for one side of one row: a network namespace the plugins run in (the spawner joins it),
/// a pool of container namespaces made untimed up front, and a private host-local data dir. Everything the
/// plugins create on the host side (bridge, veth ends, iptables or nftables rules, sysctls) lives in the host
/// namespace, so deleting the namespaces removes it all and this machine's own network is never touched.
/// </summary>
internal sealed class HostNetwork : IDisposable
{
    private readonly List<string> _names = [];

    public string HostNetns { get; }
    public IReadOnlyList<string> Containers { get; }
    public string DataDir { get; }

    /// <summary>Prefix of every container ID this host hands out (unique per side and row).</summary>
    public string IdPrefix { get; }

    private HostNetwork(string tag, Side side, int containers)
    {
        // Namespace names are files under /var/run/netns; the pid keeps two harness runs apart.
        var stem = $"cnib-{side.Name}-{Environment.ProcessId}-{tag}";
        HostNetns = "/var/run/netns/" + stem + "-h";
        IdPrefix = $"bench-{side.Name}-{tag}";
        DataDir = Path.Combine(side.TempDir, tag + "-ipam");
        Directory.CreateDirectory(DataDir);
        _names.Add(stem + "-h");
        var pool = new List<string>();
        for (var k = 0; k < containers; k++)
        {
            _names.Add($"{stem}-c{k}");
            pool.Add($"/var/run/netns/{stem}-c{k}");
        }
        Containers = pool;
    }

    public string ContainerId(int i) => $"{IdPrefix}-{i}";

    public string Container(int i) => Containers[i % Containers.Count];

    /// <summary>Creates the namespaces in one `ip -batch` (1000 `ip netns add` processes would dominate setup).</summary>
    public static HostNetwork Create(Side side, string tag, int containers, params string[] hostCommands)
    {
        var net = new HostNetwork(tag, side, containers);
        try
        {
            net.Batch(net._names.Select(n => $"netns add {n}"), force: false);
            foreach (var command in hostCommands.Prepend("link set lo up"))
            {
                Tools.Run("ip", ["-n", net._names[0], .. command.Split(' ')]);
            }
            return net;
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    private void Batch(IEnumerable<string> lines, bool force)
    {
        var file = Path.Combine(Path.GetDirectoryName(DataDir)!, Path.GetFileName(DataDir) + ".batch");
        File.WriteAllLines(file, lines);
        try
        {
            if (force)
            {
                Tools.TryRun("ip", "-force", "-batch", file);
            }
            else
            {
                Tools.Run("ip", "-batch", file);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        // -force: go on past names that were never created (a setup that failed half-way).
        Batch(_names.Select(n => $"netns del {n}"), force: true);
        if (Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }
}
