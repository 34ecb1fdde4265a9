namespace Cni.Sdk;

/// <summary>
/// CNI_ARGS (<c>K1=V1;K2=V2</c>) with the reference's rules: every pair must split into exactly key and value
/// (so "A", "A=b=c" and a trailing ';' fail), keys are case-sensitive, and unknown keys fail unless
/// <c>IgnoreUnknown</c> is 1/true (any case). Failures are code 4: CNI_ARGS is an environment variable
/// (the reference reports 999, which tells the runtime nothing).
/// </summary>
public static class CniArgsParser
{
    public const string IgnoreUnknownKey = "IgnoreUnknown";

    /// <summary>
    /// Parses <paramref name="raw"/>; null or "" gives an empty map. The map holds every pair, tolerated
    /// unknown ones included (later duplicates win).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string? raw, params string[] knownKeys)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(raw)) return result;
        foreach (var pair in raw.Split(';'))
        {
            var kv = pair.Split('=');
            if (kv.Length != 2)
                throw new CniException(CniErrorCode.InvalidEnvironment, $"ARGS: invalid pair \"{pair}\"", "CNI_ARGS=" + raw);
            result[kv[0]] = kv[1];
        }

        bool ignoreUnknown = false;
        if (result.TryGetValue(IgnoreUnknownKey, out var flag))
        {
            ignoreUnknown = flag.ToLowerInvariant() switch
            {
                "1" or "true" => true,
                "0" or "false" => false,
                _ => throw new CniException(CniErrorCode.InvalidEnvironment,
                    $"ARGS: invalid value \"{flag}\" for {IgnoreUnknownKey}", "expected 1, true, 0 or false"),
            };
        }
        var unknown = result.Keys.Where(k => k != IgnoreUnknownKey && !knownKeys.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0 && !ignoreUnknown)
            throw new CniException(CniErrorCode.InvalidEnvironment, $"ARGS: unknown args [{string.Join(" ", unknown)}]",
                "set IgnoreUnknown=1 to allow keys this plugin does not know");
        return result;
    }
}
