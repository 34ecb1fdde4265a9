using System.Text;
using System.Text.Encodings.Web;

namespace Cni.Sdk;

/// <summary>
/// Escapes only what JSON (and a log reader) needs: C0/C1 controls and DEL, '"', '\', U+2028/U+2029 and lone
/// surrogates; everything else, '+' and non-ASCII included, is written as is.
/// <para>
/// Why not <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>: building it marks all 65,536 BMP code points
/// allowed one by one, about 0.1 ms of every plugin start (5% of a VERSION call's CPU in perf), for output
/// that is a few hundred ASCII bytes. The only visible difference: characters outside the BMP (emoji) are
/// written as UTF-8 rather than as a \uD83D\uDE00 pair; both are the same JSON string.
/// </para>
/// </summary>
internal sealed class MinimalJsonEncoder : JavaScriptEncoder
{
    public static MinimalJsonEncoder Instance { get; } = new();

    private MinimalJsonEncoder()
    {
    }

    /// <summary>"\uXXXX" is the longest form one UTF-16 unit becomes.</summary>
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) => unicodeScalar switch
    {
        < 0x20 or '"' or '\\' => true,
        >= 0x7F and <= 0x9F => true,
        0x2028 or 0x2029 => true,
        >= 0xD800 and <= 0xDFFF => true, // only reachable as a lone surrogate
        _ => false,
    };

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (int i = 0; i < textLength; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < textLength && char.IsLowSurrogate(text[i + 1]))
            {
                i++; // a valid pair is a supplementary character: written as is
                continue;
            }
            if (WillEncode(c)) return i;
        }
        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        ReadOnlySpan<char> shortForm = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ => default,
        };
        var output = new Span<char>(buffer, bufferLength);
        if (!shortForm.IsEmpty)
            return Copy(shortForm, output, out numberOfCharactersWritten);
        if (!WillEncode(unicodeScalar))
        {
            // Asked to write a scalar we would not escape (the writer does so for the rest of a run it is
            // escaping): plain UTF-16.
            if (!new Rune(unicodeScalar).TryEncodeToUtf16(output, out numberOfCharactersWritten)) return false;
            return true;
        }
        if (bufferLength < 6)
        {
            numberOfCharactersWritten = 0;
            return false;
        }
        output[0] = '\\';
        output[1] = 'u';
        ((ushort)unicodeScalar).TryFormat(output[2..], out _, "X4", System.Globalization.CultureInfo.InvariantCulture);
        numberOfCharactersWritten = 6;
        return true;
    }

    private static bool Copy(ReadOnlySpan<char> s, Span<char> output, out int written)
    {
        written = 0;
        if (!s.TryCopyTo(output)) return false;
        written = s.Length;
        return true;
    }
}
