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

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "Cni.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("Cni.sln not found above " + AppContext.BaseDirectory);
    }
}
