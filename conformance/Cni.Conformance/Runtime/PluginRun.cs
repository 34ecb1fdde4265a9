using System.Text.Json;

namespace Cni.Conformance.Runtime;

/// <summary>
/// One plugin invocation's outcome, with the judgements the checks need: "ok" (exit 0) and
/// "err N" (non-zero exit with exactly one JSON error object on stdout, integer code, string msg).
/// </summary>
public sealed class PluginRun(string verb, ProcResult proc)
{
    public string Verb { get; } = verb;
    public int ExitCode => proc.ExitCode;
    public string Stdout => proc.Stdout;
    public string Stderr => proc.Stderr;
    public bool Ok => proc.ExitCode == 0;

    /// <summary>stdout parsed as exactly one JSON document, or null (empty, malformed, or several documents).</summary>
    public JsonElement? Json
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Stdout)) return null;
            try
            {
                using var doc = JsonDocument.Parse(Stdout);
                return doc.RootElement.Clone();
            }
            catch (JsonException) { return null; }
        }
    }

    /// <summary>The error object's code, when this run is a well-formed error; otherwise null.</summary>
    public int? ErrorCode
    {
        get
        {
            if (Ok || Json is not { ValueKind: JsonValueKind.Object } j) return null;
            if (!j.TryGetProperty("code", out var c) || c.ValueKind != JsonValueKind.Number || !c.TryGetInt32(out var code)) return null;
            if (!j.TryGetProperty("msg", out var m) || m.ValueKind != JsonValueKind.String) return null;
            return code;
        }
    }

    public string ErrorMsg => Json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String
        ? m.GetString() ?? "" : "";

    /// <summary>Short human description for a FAIL reason.</summary>
    public string Describe()
    {
        var o = Stdout.Trim().ReplaceLineEndings(" ");
        if (o.Length > 160) o = o[..160] + "...";
        var e = Stderr.Trim().ReplaceLineEndings(" ");
        if (e.Length > 100) e = e[..100] + "...";
        return $"{Verb} exit {ExitCode}" + (o.Length > 0 ? $", stdout {o}" : ", empty stdout") + (e.Length > 0 ? $", stderr {e}" : "");
    }

    /// <summary>Null when this run is "err <paramref name="code"/>", else the reason it is not.</summary>
    public string? ExpectError(int code)
    {
        if (Ok) return $"expected err {code}, got success ({Describe()})";
        if (ErrorCode is not { } c) return $"expected err {code}, but stdout is not exactly one error object with integer code and string msg ({Describe()})";
        return c == code ? null : $"expected err {code}, got code {c}: {ErrorMsg}";
    }

    /// <summary>Null when this run is an error of any code with a well-formed error object.</summary>
    public string? ExpectAnyError()
    {
        if (Ok) return $"expected an error, got success ({Describe()})";
        return ErrorCode is null ? $"failed, but stdout is not exactly one error object ({Describe()})" : null;
    }

    /// <summary>Null when this run succeeded.</summary>
    public string? ExpectOk() => Ok ? null : $"expected ok, got {Describe()}";
}
