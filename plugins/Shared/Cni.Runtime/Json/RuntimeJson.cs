using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cni.Runtime;

/// <summary>
/// The writer settings for every document the runtime builds (plugin stdin, cache files). Relaxed escaping keeps
/// '+' and quotes readable in cache files and logs; these bytes go to plugins, never into a web page.
/// </summary>
internal static class RuntimeJson
{
    public static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions Indented = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
    };

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static byte[] Write(Action<Utf8JsonWriter> body, bool indented = false)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, indented ? Indented : Compact)) body(w);
        return ms.ToArray();
    }

    /// <summary>Parses bytes into a detached element (the document is disposed).</summary>
    public static JsonElement Parse(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray(), DocumentOptions);
        return doc.RootElement.Clone();
    }

    /// <summary>Re-prints an element, indented, for humans.</summary>
    public static string ToPrettyString(JsonElement e) => System.Text.Encoding.UTF8.GetString(Write(e.WriteTo, indented: true));
}
