namespace Cni.Sdk;

/// <summary>
/// The identifier rules the reference enforces (pkg/utils). Written as plain loops, not regexes: .NET's '$'
/// also matches before a trailing newline, which would let "name\n" through.
/// </summary>
public static class Validation
{
    /// <summary>Container IDs and network names: <c>^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$</c>.</summary>
    public static bool IsValidId(string? s)
    {
        if (string.IsNullOrEmpty(s) || !char.IsAsciiLetterOrDigit(s[0])) return false;
        foreach (char c in s)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')) return false;
        return true;
    }

    /// <summary>
    /// A network name also becomes a directory name (host-local's store), so on top of the ID pattern
    /// ".." anywhere is refused.
    /// </summary>
    public static bool IsValidNetworkName(string? s) => IsValidId(s) && !s!.Contains("..", StringComparison.Ordinal);

    /// <summary>Why an interface name is invalid (1-15 bytes, not "." or "..", no '/', ':' or whitespace), or null.</summary>
    public static string? InterfaceNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "interface name is empty";
        int bytes = System.Text.Encoding.UTF8.GetByteCount(name);
        if (bytes > 15) return $"interface name is too long ({bytes} bytes, max 15)";
        if (name is "." or "..") return "interface name is . or ..";
        foreach (char c in name)
        {
            if (c is '/' or ':' || char.IsWhiteSpace(c) || c == '\0')
                return $"interface name contains an invalid character '{(char.IsWhiteSpace(c) || c == '\0' ? $"\\u{(int)c:x4}" : c)}'";
        }
        return null;
    }
}
