using System.Text.Json;

namespace Cni.Runtime;

/// <summary>
/// Builds the stdin of one invocation (digest 2.4): the plugin object as loaded, with the runtime's keys
/// replacing any of the same name. Keys the runtime does not set pass through untouched and in order.
/// </summary>
internal static class ConfigInjector
{
    public static byte[] Build(JsonElement plugin, IReadOnlyList<KeyValuePair<string, Action<Utf8JsonWriter>>> inject)
        => RuntimeJson.Write(w =>
        {
            var replaced = new HashSet<string>(inject.Select(i => i.Key), StringComparer.Ordinal);
            w.WriteStartObject();
            foreach (var p in plugin.EnumerateObject())
                if (!replaced.Contains(p.Name)) p.WriteTo(w);
            foreach (var (key, write) in inject)
            {
                w.WritePropertyName(key);
                write(w);
            }
            w.WriteEndObject();
        });

    /// <summary>
    /// The capability args this plugin asked for (capabilities set to true), or null when none apply: libcni
    /// adds <c>runtimeConfig</c> only when the filtered set is non-empty.
    /// </summary>
    public static Action<Utf8JsonWriter>? RuntimeConfig(PluginConfig plugin, RuntimeConf rt)
    {
        var chosen = rt.CapabilityArgs
            .Where(c => plugin.Capabilities.TryGetValue(c.Key, out bool on) && on)
            .ToList();
        if (chosen.Count == 0) return null;
        return w =>
        {
            w.WriteStartObject();
            foreach (var (k, v) in chosen)
            {
                w.WritePropertyName(k);
                v.WriteTo(w);
            }
            w.WriteEndObject();
        };
    }
}
