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
