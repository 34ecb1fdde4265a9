namespace Cni.Linux.Firewall;

/// <summary>
/// What `iptables-save -t filter` says: the declared chains, and every rule as (chain, saved line, owner tag).
/// Built from one read; ADD uses it to create only what is missing, DEL/GC to delete lines by exact spec.
/// </summary>
internal sealed class ForwardIptablesState
{
    private const int TagLength = 37; // "cni-" + 16 hex + "-" + 16 hex, FirewallOwner.Tag

    public HashSet<string> Chains { get; } = new(StringComparer.Ordinal);

    public List<(string Chain, string Line, string? Tag)> Rules { get; } = [];

    public static ForwardIptablesState Parse(string save)
    {
        var state = new ForwardIptablesState();
        foreach (var raw in save.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(':'))
            {
                int space = line.IndexOf(' ');
                state.Chains.Add(space > 1 ? line[1..space] : line[1..]);
            }
            else if (line.StartsWith("-A ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2) state.Rules.Add((parts[1], line, TagOf(line)));
            }
        }
        return state;
    }

    /// <summary>Some rule of <paramref name="chain"/> jumps to <paramref name="target"/>.</summary>
    public bool Jumps(string chain, string target)
        => Rules.Any(r => r.Chain == chain && r.Line.EndsWith(" -j " + target, StringComparison.Ordinal));

    /// <summary>The restore batch deleting the selected lines (`-D` + the saved spec); empty when none match.</summary>
    public string RemovalBatch(Func<string, bool> selectTag)
    {
        var body = new System.Text.StringBuilder();
        foreach (var (_, line, tag) in Rules)
            if (tag != null && selectTag(tag)) body.Append("-D ").Append(line.AsSpan(3)).Append('\n');
        return body.Length == 0 ? "" : "*filter\n" + body + "COMMIT\n";
    }

    private static string? TagOf(string line)
    {
        int at = line.IndexOf("--comment ", StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = line.AsSpan(at + "--comment ".Length).TrimStart('"');
        if (!rest.StartsWith(FirewallOwner.CommentPrefix, StringComparison.Ordinal) || rest.Length < TagLength) return null;
        return rest[..TagLength].ToString();
    }
}
