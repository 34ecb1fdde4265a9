using System.Diagnostics;
using Cni.Linux.Netlink;

namespace Cni.Runtime.Demo;

/// <summary>
/// The demo's throwaway world: a "host" namespace where every plugin runs, two container namespaces and a temp
/// directory. SCAFFOLDING ONLY: Cni.Linux has no API to create a named namespace yet, so this execs
/// `ip netns add/del`. All network configuration is done by the plugins themselves.
/// </summary>
internal sealed class DemoScaffold : IDisposable
{
    private readonly List<string> _namespaces = [];

    public DemoScaffold()
    {
        string id = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Host = "cnidemo-h-" + id;
        C1 = "cnidemo-c1-" + id;
        C2 = "cnidemo-c2-" + id;
        TempDir = Directory.CreateTempSubdirectory("cnictl-demo-").FullName;
    }

    public string Host { get; }
    public string C1 { get; }
    public string C2 { get; }
    public string TempDir { get; }
    public string CacheDir => Path.Combine(TempDir, "cache");
    public string IpamDir => Path.Combine(TempDir, "ipam");
    public string TuningDir => Path.Combine(TempDir, "tuning");

    public static string PathOf(string ns) => "/var/run/netns/" + ns;

    /// <summary>Creates the three namespaces and sets the host namespace's lo up (over netlink).</summary>
    public void CreateNamespaces()
    {
        foreach (var ns in new[] { Host, C1, C2 })
        {
            Ip("netns", "add", ns);
            _namespaces.Add(ns);
        }
        // Traffic to the host namespace's own addresses (the published port on the bridge gateway) loops
        // through lo, which a fresh namespace leaves down.
        using var nl = RouteNetlink.OpenIn(PathOf(Host));
        nl.SetLinkUp(nl.GetLink("lo").Index);
    }

    /// <summary>Deletes the namespaces (their links and firewall tables go with them); returns what failed.</summary>
    public List<string> DeleteNamespaces()
    {
        var failed = new List<string>();
        foreach (var ns in _namespaces.ToList())
        {
            if (Ip("netns", "del", ns) != 0 && File.Exists(PathOf(ns))) failed.Add(ns);
            else _namespaces.Remove(ns);
        }
        return failed;
    }

    public void Dispose()
    {
        DeleteNamespaces();
        try
        {
            Directory.Delete(TempDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static int Ip(params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot run ip");
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && args[1] == "add") throw new InvalidOperationException($"ip {string.Join(' ', args)}: {err.Trim()}");
        return p.ExitCode;
    }
}
