using System.Text.Json;
using Cni.Sdk;

namespace Cni.Runtime;

/// <summary>
/// Version handling for cached results: libcni hands plugins the cached result converted to the list's version,
/// because the list may have been edited since ADD.
/// </summary>
internal static class ResultVersions
{
    /// <summary>The result's own <c>cniVersion</c>, or <paramref name="fallback"/> when it has none.</summary>
    public static string LabelOf(JsonElement result, string fallback)
        => result.TryGetProperty("cniVersion", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : fallback;

    /// <summary>
    /// The result unchanged when it is already in <paramref name="version"/>; otherwise decoded in its own version
    /// and re-encoded by the SDK's converters (digest 3.2).
    /// </summary>
    public static JsonElement Convert(JsonElement result, string version)
    {
        var label = LabelOf(result, version);
        if (label == version) return result;
        var model = ResultJson.Decode(result, label);
        return RuntimeJson.Parse(ResultJson.Encode(model, version));
    }
}
