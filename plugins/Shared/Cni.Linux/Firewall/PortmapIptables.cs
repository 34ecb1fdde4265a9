using System.Security.Cryptography;
using System.Text;

namespace Cni.Linux.Firewall;

/// <summary>
/// The iptables backend: per family, one `iptables-save -t nat` read (who holds which port, and this owner's
/// old rules) and one `iptables-restore --noflush` batch. Per owner: a chain CNI-DN-&lt;21 hex&gt; with the
/// mark and DNAT rules, jumps to it from PREROUTING and OUTPUT (`-m addrtype --dst-type LOCAL`, multiport
/// per protocol, the conditions) and a POSTROUTING masquerade of the mark. Every rule carries the owner's
/// tag; nothing is shared, so there is no global chain that a DEL could leave behind or break.
/// </summary>
internal sealed class PortmapIptables : PortmapFirewall
{
    private const int MaxMultiportPorts = 15;
    private static readonly string[] HookChains = ["PREROUTING", "OUTPUT", "POSTROUTING"];

    public override string Backend => Iptables;

    public override void Add(FirewallOwner owner, PortmapSpec spec)
    {
        using var nsLock = LockNamespace();
        var families = new[] { true, false }.Where(v4 => spec.Entries.Any(e => e.IsIPv4 == v4)).ToList();
        var tools = families.ToDictionary(v4 => v4, v4 => Tool(!v4));
        var saved = tools.ToDictionary(t => t.Key, t => SavedRule.ParseAll(t.Value.SaveNat()));
        foreach (var (_, rules) in saved)
            EnsureFree(owner, spec, rules.Select(r => (PortmapClaim.TryParse(r.Comment), r.Comment)).Where(c => c.Item1 != null)
                .Select(c => (c.Item1!, c.Comment!)));
        foreach (bool v4 in families)
            tools[v4].Restore(AddBatch(owner, spec, v4, saved[v4]));
    }

    public override void Remove(FirewallOwner owner) => RemoveWhere(tag => tag == owner.Tag);

    public override IReadOnlyList<PortmapClaim> Claims(FirewallOwner owner)
    {
        var claims = new List<PortmapClaim>();
        foreach (bool v6 in new[] { false, true })
            if (IptablesTool.Find(v6) is { } tool)
                claims.AddRange(SavedRule.ParseAll(tool.SaveNat()).Select(r => PortmapClaim.TryParse(r.Comment))
                    .Where(c => c?.OwnerTag == owner.Tag).Select(c => c!));
        return claims;
    }

    public override void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var keep = KeepSet(valid);
        RemoveWhere(tag => NftFirewall.IsStale(tag, network, keep));
    }

    /// <summary>CNI-DN- + 21 hex of SHA-256("portmap", net, id, if): 28 characters, distinct from ipMasq's chain.</summary>
    internal static string ChainOf(string ownerTag)
        => "CNI-DN-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("portmap\0" + ownerTag)))[..21];

    /// <summary>The restore text for one family: drop the owner's old hook rules, (re)declare and fill its chain, hook it.</summary>
    internal static string AddBatch(FirewallOwner owner, PortmapSpec spec, bool v4, IReadOnlyList<SavedRule> saved)
    {
        string chain = ChainOf(owner.Tag);
        var b = new StringBuilder("*nat\n");
        b.Append(':').Append(chain).Append(" - [0:0]\n"); // declaring an existing chain flushes it: a re-ADD replaces
        foreach (var old in saved.Where(r => r.Tag == owner.Tag && HookChains.Contains(r.Chain)))
            b.Append("-D ").Append(old.Line.AsSpan(3)).Append('\n');

        string conditions = Conditions(spec.ConditionsFor(v4));
        var entries = spec.Entries.Where(e => e.IsIPv4 == v4).ToList();
        string mark = $"0x{1u << spec.MarkMasqBit:x}/0x{1u << spec.MarkMasqBit:x}";
        string markTarget = spec.ExternalSetMarkChain ?? $"MARK --set-xmark {mark}";
        string tagOnly = Quote(PortmapNftRules.Comment(owner, " pm-rule"));
        foreach (var e in entries)
        {
            string match = $"-p {e.Protocol} -m {e.Protocol} --dport {e.HostPort}" + (e.HostIp is { } h ? $" -d {h}/{(v4 ? 32 : 128)}" : "");
            var address = spec.AddressFor(v4);
            if (spec.Snat && address is { } a)
            {
                string source = spec.MasqAll ? "" : $" -s {a.NetworkCidr}";
                b.Append($"-A {chain}{source} {match} -m comment --comment {tagOnly} -j {markTarget}\n");
                if (v4 && !spec.MasqAll) b.Append($"-A {chain} -s 127.0.0.1/32 {match} -m comment --comment {tagOnly} -j {markTarget}\n");
            }
            string to = v4 ? $"{e.ContainerAddress}:{e.ContainerPort}" : $"[{e.ContainerAddress}]:{e.ContainerPort}";
            string claim = Quote(PortmapNftRules.Comment(owner, e.Claim(owner.Tag).Describe()));
            b.Append($"-A {chain} {match} -m comment --comment {claim} -j DNAT --to-destination {to}\n");
        }
        foreach (var group in entries.GroupBy(e => e.Protocol))
            foreach (var ports in group.Select(e => e.HostPort).Distinct().Chunk(MaxMultiportPorts))
            {
                string jump = $"-m addrtype --dst-type LOCAL -p {group.Key} -m multiport --dports {string.Join(',', ports)}{conditions} -m comment --comment {tagOnly} -j {chain}";
                b.Append($"-A PREROUTING {jump}\n-A OUTPUT {jump}\n");
            }
        // With an external mark chain its owner masquerades the mark; otherwise we do, tagged so DEL removes it.
        if (spec.Snat && spec.ExternalSetMarkChain == null)
            b.Append($"-A POSTROUTING -m mark --mark {mark} -m comment --comment {tagOnly} -j MASQUERADE\n");
        b.Append("COMMIT\n");
        return b.ToString();
    }

    /// <summary>Per family with tools installed: one read, then (only if something matches) one restore.</summary>
    private static void RemoveWhere(Func<string, bool> selectTag)
    {
        foreach (bool v6 in new[] { false, true })
        {
            var tool = IptablesTool.Find(v6);
            if (tool == null) continue; // nothing can have been added through a missing tool
            string save = tool.SaveNat();
            var rules = SavedRule.ParseAll(save);
            var body = new StringBuilder();
            var chains = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in rules.Where(r => r.Tag != null && selectTag(r.Tag)))
            {
                if (HookChains.Contains(r.Chain)) body.Append("-D ").Append(r.Line.AsSpan(3)).Append('\n');
                else if (r.Chain == ChainOf(r.Tag!)) chains.Add(r.Chain);
            }
            foreach (var c in chains) body.Append($"-F {c}\n-X {c}\n");
            if (body.Length > 0) tool.Restore("*nat\n" + body + "COMMIT\n");
        }
    }

    private static string Conditions(IReadOnlyList<string> conditions)
    {
        if (conditions.Any(c => c.Contains('\n') || c.Contains('\r')))
            throw new ArgumentException("portmap iptables conditions must not contain line breaks");
        return conditions.Count == 0 ? "" : " " + string.Join(' ', conditions);
    }

    private static string Quote(string comment) => "\"" + comment + "\"";

    private static IptablesTool Tool(bool ipv6)
        => IptablesTool.Find(ipv6) ?? throw new FirewallException(
            $"portmap backend iptables needs {(ipv6 ? "ip6tables" : "iptables")}-save and -restore, which are not installed");

    /// <summary>One `-A CHAIN ...` line of iptables-save with its comment and our tag, if any.</summary>
    internal sealed record SavedRule(string Line, string Chain, string? Comment, string? Tag)
    {
        private const int TagLength = 37;

        public static List<SavedRule> ParseAll(string save)
        {
            var list = new List<SavedRule>();
            foreach (var raw in save.Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                if (!line.StartsWith("-A ", StringComparison.Ordinal)) continue;
                int space = line.IndexOf(' ', 3);
                string chain = space > 3 ? line[3..space] : line[3..];
                string? comment = CommentOf(line);
                string? tag = comment != null && comment.StartsWith(FirewallOwner.CommentPrefix, StringComparison.Ordinal) && comment.Length >= TagLength
                    ? comment[..TagLength] : null;
                list.Add(new SavedRule(line, chain, comment, tag));
            }
            return list;
        }

        private static string? CommentOf(string line)
        {
            int at = line.IndexOf("--comment ", StringComparison.Ordinal);
            if (at < 0) return null;
            var rest = line[(at + "--comment ".Length)..];
            if (rest.StartsWith('"'))
            {
                int end = rest.IndexOf('"', 1);
                return end > 0 ? rest[1..end] : null;
            }
            int sp = rest.IndexOf(' ');
            return sp < 0 ? rest : rest[..sp];
        }
    }

}
