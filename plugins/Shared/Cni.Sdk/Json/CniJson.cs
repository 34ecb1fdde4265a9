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
    /// Throws <see cref="JsonException"/> on bad or trailing input.
    /// <para>
    /// Why this is more than JsonDocument.Parse: the first time a thread hands an ArrayPool array back while
    /// the pool's thread-local slot for that size is taken, the pool sets up its per-core lists, whose static
    /// constructor times sched_getcpu in a calibration loop (ProcessorIdCache.ProcessorNumberSpeedCheck):
    /// ~0.15-0.25 ms of a bridge, firewall or tuning call in perf. Parse + Clone + Dispose, and
    /// JsonElement.ParseValue, return two same-sized buffers. A document never disposed still returns its row
    /// table's first pooled array when it grows or is trimmed to fit (both common), and then the parser's
    /// 512-byte depth stack; when the table started in that same 512-byte size class (inputs under ~500
    /// bytes: an IPAM result, a small config), the second return is the one that calibrates. Inputs are
    /// therefore padded with trailing whitespace to <see cref="MinParseLength"/>, which starts the table in
    /// the next size class up.
    /// </para>
    /// </summary>
    public static JsonElement ParseDetached(byte[] json) => JsonDocument.Parse(PadForParse(json), DocumentOptions).RootElement;

    /// <summary>
    /// Shortest input handed to JsonDocument: its row table is rented at input length + 12 bytes, so from here
    /// on it never shares the 512-byte size class of the depth stack (64 levels x 8 bytes).
    /// </summary>
    internal const int MinParseLength = 512;

    /// <summary><paramref name="json"/>, or a copy followed by spaces up to <see cref="MinParseLength"/>.</summary>
    internal static byte[] PadForParse(byte[] json)
    {
        if (json.Length >= MinParseLength) return json;
        var padded = new byte[MinParseLength];
        json.CopyTo(padded, 0);
        padded.AsSpan(json.Length).Fill((byte)' ');
        return padded;
    }

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
