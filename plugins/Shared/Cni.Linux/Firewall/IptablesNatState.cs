namespace Cni.Linux.Firewall;

/// <summary>
/// What `iptables-save -t nat` says about our rules: for each of our chains (those whose rules carry a
/// "cni-" comment), the POSTROUTING lines jumping to it. Built from one read; turned into one restore batch.
/// </summary>
internal sealed class IptablesNatState
{
    /// <summary>Our chain -> the comment tag its rules carry (first seen).</summary>
    public Dictionary<string, string> ChainTags { get; } = new(StringComparer.Ordinal);

    /// <summary>Chain -> the exact POSTROUTING rule specs ("-A POSTROUTING ...") that jump to it.</summary>
    public Dictionary<string, List<string>> Jumps { get; } = new(StringComparer.Ordinal);

    /// <summary>Every user chain declared in the table (":NAME - [0:0]").</summary>
    public HashSet<string> DeclaredChains { get; } = new(StringComparer.Ordinal);

    public static IptablesNatState Parse(string save)
    {
        var state = new IptablesNatState();
        foreach (var raw in save.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(':'))
            {
                int space = line.IndexOf(' ');
                state.DeclaredChains.Add(space > 1 ? line[1..space] : line[1..]);
                continue;
            }
            if (!line.StartsWith("-A ", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) continue;
            string chain = parts[1];
            string? target = TargetOf(parts);
            string? tag = TagOf(line);
            if (chain == "POSTROUTING" && target != null && target.StartsWith("CNI-", StringComparison.Ordinal))
            {
                if (!state.Jumps.TryGetValue(target, out var list)) state.Jumps[target] = list = [];
                list.Add(line);
                if (tag != null) state.ChainTags.TryAdd(target, tag);
            }
            else if (tag != null && chain != "POSTROUTING")
            {
                state.ChainTags.TryAdd(chain, tag);
            }
        }
        return state;
    }

    /// <summary>
    /// The restore batch removing <paramref name="chains"/>: delete every POSTROUTING jump to them (the
    /// saved line with -A turned into -D, which deletes by exact spec), then flush and delete each chain.
    /// Empty when there is nothing to remove.
    /// </summary>
    public string RemovalBatch(IEnumerable<string> chains)
    {
        var body = new System.Text.StringBuilder();
        foreach (var chain in chains.Distinct(StringComparer.Ordinal))
        {
            if (Jumps.TryGetValue(chain, out var jumps))
                foreach (var jump in jumps) body.Append("-D ").Append(jump.AsSpan(3)).Append('\n');
            if (DeclaredChains.Contains(chain)) body.Append("-F ").Append(chain).Append("\n-X ").Append(chain).Append('\n');
        }
        return body.Length == 0 ? "" : "*nat\n" + body + "COMMIT\n";
    }

    private static string? TargetOf(string[] parts)
    {
        for (int i = parts.Length - 2; i >= 0; i--)
            if (parts[i] is "-j" or "--jump" or "-g" or "--goto") return parts[i + 1];
        return null;
    }

    /// <summary>The "cni-..." tag of a rule's comment (its first 37 characters), or null.</summary>
    private static string? TagOf(string line)
    {
        int at = line.IndexOf("--comment ", StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = line.AsSpan(at + "--comment ".Length).TrimStart('"');
        const int TagLength = 37; // "cni-" + 16 + "-" + 16
        if (!rest.StartsWith(FirewallOwner.CommentPrefix, StringComparison.Ordinal) || rest.Length < TagLength) return null;
        return rest[..TagLength].ToString();
    }
}
