namespace Cni.Conformance.Runtime;

/// <summary>Spec version strings and their ordering (digest §5: `major[.minor[.micro]]`).</summary>
public static class SpecVersion
{
    /// <summary>Every released spec version, oldest first.</summary>
    public static readonly string[] All = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    public const string Latest = "1.1.0";

    /// <summary>A version no plugin can support; used to provoke "incompatible CNI versions".</summary>
    public const string Bogus = "9.9.9";

    public static bool IsSemver(string s)
    {
        var parts = s.Split('.');
        return parts.Length == 3 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit));
    }

    public static int Compare(string a, string b)
    {
        static int[] Parse(string v) => [.. v.Split('.').Select(p => int.TryParse(p, out var n) ? n : 0).Concat([0, 0, 0]).Take(3)];
        var (x, y) = (Parse(a), Parse(b));
        for (var i = 0; i < 3; i++)
            if (x[i] != y[i]) return x[i].CompareTo(y[i]);
        return 0;
    }

    public static bool AtLeast(string v, string min) => Compare(v, min) >= 0;

    /// <summary>Result family: 0.1/0.2 (ip4/ip6), 0.3.x/0.4 (ips with version), 1.x (ips without version).</summary>
    public static int Family(string v) => Compare(v, "0.3.0") < 0 ? 0 : Compare(v, "1.0.0") < 0 ? 1 : 2;
}
