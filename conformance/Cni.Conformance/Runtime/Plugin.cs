using System.Text.Json;

namespace Cni.Conformance.Runtime;

/// <summary>How the checks treat a plugin: the digest's tags [if], [ch], [ipam], plus loopback (only [all]).</summary>
public enum PluginKind { Loopback, Interface, Chained, Ipam }

/// <summary>A plugin binary found in the directory under test, with what its VERSION answer announced.</summary>
public sealed class Plugin
{
    public required string Name { get; init; }
    public required string Path { get; init; }
    public required string Dir { get; init; }
    public required PluginKind Kind { get; init; }

    /// <summary>supportedVersions from VERSION; empty when VERSION did not answer sensibly.</summary>
    public IReadOnlyList<string> Versions { get; set; } = [];

    /// <summary>Why VERSION could not be read, if it could not.</summary>
    public string? VersionError { get; set; }

    public bool Supports(string v) => Versions.Contains(v);

    /// <summary>The version used where a check does not care: 1.1.0 if announced, else the newest announced.</summary>
    public string Default => Supports(SpecVersion.Latest) ? SpecVersion.Latest
        : Versions.OrderBy(v => v, Comparer<string>.Create(SpecVersion.Compare)).LastOrDefault() ?? SpecVersion.Latest;

    /// <summary>Kinds by binary name (the brief: decide by name). Unknown names are not tested.</summary>
    public static PluginKind? KindOf(string name) => name switch
    {
        "loopback" => PluginKind.Loopback,
        "bridge" or "macvlan" or "ipvlan" or "vxlan" => PluginKind.Interface,
        "portmap" or "tuning" or "firewall" => PluginKind.Chained,
        "host-local" or "static" => PluginKind.Ipam,
        _ => null,
    };

    /// <summary>Known plugins in <paramref name="dir"/>, in a stable order.</summary>
    public static List<Plugin> Discover(string dir, ICollection<string>? only)
    {
        var list = new List<Plugin>();
        foreach (var path in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(path);
            if (KindOf(name) is not { } kind) continue;
            if (only is { Count: > 0 } && !only.Contains(name)) continue;
            if ((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) == 0) continue;
            var p = new Plugin { Name = name, Path = System.IO.Path.GetFullPath(path), Dir = System.IO.Path.GetFullPath(dir), Kind = kind };
            p.ProbeVersion();
            list.Add(p);
        }
        return list;
    }

    /// <summary>Asks the plugin its versions exactly as libcni does (stdin {"cniVersion":"1.1.0"}).</summary>
    private void ProbeVersion()
    {
        var r = Proc.Run(Path, [], new Dictionary<string, string> { ["CNI_COMMAND"] = "VERSION" }, """{"cniVersion":"1.1.0"}""");
        try
        {
            using var doc = JsonDocument.Parse(r.Stdout);
            if (doc.RootElement.TryGetProperty("supportedVersions", out var sv) && sv.ValueKind == JsonValueKind.Array)
                Versions = [.. sv.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)];
            if (Versions.Count == 0) VersionError = "VERSION answer has no supportedVersions";
        }
        catch (JsonException)
        {
            VersionError = $"VERSION did not answer JSON (exit {r.ExitCode})";
        }
    }
}
