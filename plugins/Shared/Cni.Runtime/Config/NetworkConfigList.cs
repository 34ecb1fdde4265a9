namespace Cni.Runtime;

/// <summary>
/// A loaded network: a .conflist, or a single .conf promoted to a one-plugin list (libcni still does that for the
/// pre-1.0 format). <see cref="CniVersion"/> is already resolved from <c>cniVersion</c> and <c>cniVersions</c>.
/// </summary>
public sealed class NetworkConfigList
{
    public required string Name { get; init; }

    /// <summary>The version every plugin object is sent with; "" when the file gave none (plugins read "0.1.0").</summary>
    public required string CniVersion { get; init; }

    public bool DisableCheck { get; init; }
    public bool DisableGC { get; init; }
    public bool LoadOnlyInlinedPlugins { get; init; }
    public required IReadOnlyList<PluginConfig> Plugins { get; init; }

    /// <summary>The file's bytes; stored base64 in the result cache's <c>config</c>, as libcni does.</summary>
    public required byte[] Bytes { get; init; }

    /// <summary>The version used for numeric gates: an empty one means "0.1.0", as plugins read it.</summary>
    internal string EffectiveVersion => string.IsNullOrEmpty(CniVersion) ? "0.1.0" : CniVersion;
}
