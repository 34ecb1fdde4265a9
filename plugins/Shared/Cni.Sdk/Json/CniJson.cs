using System.Text.Json;

namespace Cni.Sdk;

/// <summary>Writer settings shared by every document the SDK prints (results, errors, VERSION).</summary>
internal static class CniJson
{
    /// <summary>
    /// Compact, and without escaping '+', non-ASCII or quotes into \uXXXX: the output goes to a runtime, not a
    /// web page, and stays readable in logs and golden tests (see <see cref="MinimalJsonEncoder"/> for why not
    /// the framework's relaxed encoder).
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = MinimalJsonEncoder.Instance,
        Indented = false,
    };

    /// <summary>Lenient enough for hand-written configs (comments and trailing commas are still refused, as in Go).</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>
    /// Parses one JSON document into its root element, whose document is deliberately never disposed (the
    /// element must outlive this call, and a plugin process is short-lived: the GC takes the buffers).
    /// Not Parse + Clone + Dispose, nor JsonElement.ParseValue: both hand two same-sized buffers back to
    /// ArrayPool, and the second one is what first sets up its per-core lists, whose static constructor times
    /// sched_getcpu in a calibration loop (ProcessorIdCache.ProcessorNumberSpeedCheck): ~5% of a host-local
    /// DEL's CPU in perf. Throws <see cref="JsonException"/> on bad or trailing input.
    /// </summary>
    public static JsonElement ParseDetached(byte[] json) => JsonDocument.Parse(json, DocumentOptions).RootElement;

    /// <summary>Writes one document with <paramref name="body"/> and returns its bytes followed by a newline.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            body(w);
        }
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }
}
