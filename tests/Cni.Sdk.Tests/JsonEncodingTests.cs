using System.Text;
using System.Text.Json;
using Cni.Sdk;

namespace Cni.Sdk.Tests;

/// <summary>
/// The SDK's own JSON escaping (MinimalJsonEncoder): the printed text keeps '+', quotes-as-\" and non-ASCII
/// readable, escapes what JSON requires, and always parses back to the exact string.
/// </summary>
public class JsonEncodingTests
{
    [Theory]
    [InlineData("plain ascii")]
    [InlineData("a+b <tag> & 'single'")]
    [InlineData("quote \" backslash \\ slash /")]
    [InlineData("tab\tnewline\ncr\rbell\u0007del\u007fc1\u0085")]
    [InlineData("grüße ñ 日本")]
    [InlineData("line\u2028para\u2029")]
    [InlineData("emoji 😀 pair")]
    public void Strings_round_trip_exactly(string msg)
    {
        var json = ErrorJson.Encode(CniErrorCode.Internal, msg, "d:" + msg);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(msg, doc.RootElement.GetProperty("msg").GetString());
        Assert.Equal("d:" + msg, doc.RootElement.GetProperty("details").GetString());
    }

    [Fact]
    public void Only_what_json_needs_is_escaped()
    {
        var text = Encoding.UTF8.GetString(ErrorJson.Encode(CniErrorCode.Internal, "a+b \"q\" grüße <x>&'y'\n\u0001\u2028", null));
        Assert.Equal("{\"code\":999,\"msg\":\"a+b \\\"q\\\" grüße <x>&'y'\\n\\u0001\\u2028\"}\n", text);
    }

    [Fact]
    public void A_lone_surrogate_still_gives_valid_json()
    {
        // Not valid UTF-16, so it cannot survive as is; what matters is that the document stays parseable.
        using var doc = JsonDocument.Parse(ErrorJson.Encode(CniErrorCode.Internal, "x\ud800y", null));
        var msg = doc.RootElement.GetProperty("msg").GetString()!;
        Assert.StartsWith("x", msg, StringComparison.Ordinal);
        Assert.EndsWith("y", msg, StringComparison.Ordinal);
    }
}
