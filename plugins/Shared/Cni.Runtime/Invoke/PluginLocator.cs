using Cni.Sdk;

namespace Cni.Runtime;

/// <summary>Finds a plugin binary by its <c>type</c> in the plugin path, in order, as libcni's FindInPath does.</summary>
public static class PluginLocator
{
    /// <summary>
    /// The first <c>dir/type</c> that is a file. A type with a path separator is refused: it would let a config
    /// run any binary on the host. Missing: code 7, since the config names a plugin this host lacks.
    /// </summary>
    public static string Find(string type, IReadOnlyList<string> paths)
    {
        if (type.Length == 0 || type.Contains('/') || type is "." or "..")
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"invalid plugin type \"{type}\"");
        foreach (var dir in paths)
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, type);
            if (File.Exists(candidate)) return candidate;
        }
        throw new CniException(CniErrorCode.InvalidNetworkConfig,
            $"failed to find plugin \"{type}\" in path [{string.Join(" ", paths)}]");
    }

    /// <summary>Whether the plugin exists, without throwing (the demo uses it to skip absent chain members).</summary>
    public static bool Exists(string type, IReadOnlyList<string> paths)
        => paths.Any(d => d.Length > 0 && File.Exists(Path.Combine(d, type)));
}
