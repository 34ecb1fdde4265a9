namespace Cni.Sdk;

/// <summary>
/// The spec versions this SDK can read and print, and numeric comparison for the per-verb gates.
/// Support itself is decided by exact string match (the reference does that: "1.1" is not "1.1.0");
/// only the CHECK/GC/STATUS gates compare numerically.
/// </summary>
public static class CniVersions
{
    /// <summary>The newest version; the model is held in it and VERSION reports it.</summary>
    public const string Current = "1.1.0";

    public static IReadOnlyList<string> All { get; } = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    /// <summary>
    /// Compares <c>major[.minor[.micro]]</c> numerically (missing parts are 0).
    /// Throws <see cref="CniException"/> (6) for anything else, as the reference's ParseVersion does.
    /// </summary>
    public static int Compare(string a, string b)
    {
        var (a1, a2, a3) = Parse(a);
        var (b1, b2, b3) = Parse(b);
        int c = a1.CompareTo(b1);
        if (c == 0) c = a2.CompareTo(b2);
        if (c == 0) c = a3.CompareTo(b3);
        return c;
    }

    /// <summary>True when <paramref name="version"/> is at least <paramref name="min"/>.</summary>
    public static bool AtLeast(string version, string min) => Compare(version, min) >= 0;

    /// <summary>True when the string is one of <see cref="All"/> exactly.</summary>
    public static bool IsKnown(string version) => All.Contains(version, StringComparer.Ordinal);

    private static (int, int, int) Parse(string v)
    {
        var parts = (v ?? "").Split('.');
        if (parts.Length > 3 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit) || p.Length > 9))
            throw new CniException(CniErrorCode.DecodingFailure, $"failed to parse version \"{v}\"",
                "expected major[.minor[.micro]]");
        int Get(int i) => i < parts.Length ? int.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (Get(0), Get(1), Get(2));
    }
}
