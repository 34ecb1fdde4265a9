using System.Text.Json;

namespace Cni.Runtime;

/// <summary>
/// One plugin object of a network list, kept as the administrator wrote it: the runtime only ever adds keys
/// (name, cniVersion, prevResult, runtimeConfig) on top of <see cref="Raw"/>, so unknown keys reach the plugin
/// untouched, as the spec requires of runtimes.
/// </summary>
public sealed class PluginConfig
{
    public PluginConfig(JsonElement raw)
    {
        Raw = raw;
        Type = raw.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        var caps = new Dictionary<string, bool>(StringComparer.Ordinal);
        if (raw.TryGetProperty("capabilities", out var c) && c.ValueKind == JsonValueKind.Object)
            foreach (var p in c.EnumerateObject())
                if (p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False) caps[p.Name] = p.Value.GetBoolean();
        Capabilities = caps;
    }

    /// <summary>The binary name looked up in the plugin path.</summary>
    public string Type { get; }

    /// <summary>Capabilities set to true here receive the matching runtime capability args in runtimeConfig.</summary>
    public IReadOnlyDictionary<string, bool> Capabilities { get; }

    /// <summary>The plugin object as loaded (capabilities included: libcni forwards them too).</summary>
    public JsonElement Raw { get; }

    public override string ToString() => $"type=\"{Type}\"";
}
