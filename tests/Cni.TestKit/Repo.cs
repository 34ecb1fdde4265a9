namespace Cni.TestKit;

/// <summary>Where the repository and its built binaries are.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>`out/bin`, where `./build.sh` puts the NativeAOT plugin binaries.</summary>
    public static string OutBin => Path.Combine(Root, "out", "bin");

    /// <summary>Debian's reference plugins (containernetworking-plugins).</summary>
    public const string ReferenceBin = "/usr/lib/cni";

    /// <summary>The path of one of our built binaries; skips the test when it has not been built.</summary>
    public static string Plugin(string name)
    {
        var p = Path.Combine(OutBin, name);
        Requires.Binary(p, "run ./build.sh first to build the NativeAOT plugins");
        return p;
    }

    /// <summary>
    /// CNI_PATH for tests that delegate IPAM to host-local: our published binary when built (it speaks 1.1.0),
    /// else Debian's reference (up to 1.0.0), with the config version to use; skips naming <paramref name="why"/>
    /// when neither exists.
    /// </summary>
    public static (string Dir, string CniVersion) HostLocalIpam(string why)
    {
        if (File.Exists(Path.Combine(OutBin, "host-local"))) return (OutBin, "1.1.0");
        Requires.Binary(Path.Combine(ReferenceBin, "host-local"), why);
        return (ReferenceBin, "1.0.0");
    }

    /// <summary>The leases host-local holds for <paramref name="network"/> under <paramref name="dataDir"/> (address-named files only).</summary>
    public static List<string> HostLocalLeases(string dataDir, string network)
    {
        var dir = Path.Combine(dataDir, network);
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Where(f => System.Net.IPAddress.TryParse(f, out _)).ToList();
    }

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "Cni.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("Cni.sln not found above " + AppContext.BaseDirectory);
    }
}
