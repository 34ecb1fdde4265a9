namespace Cni.Linux.Firewall;

/// <summary>
/// The firewall plugin's iptables backend, in the reference's filter chains so both can share a host:
/// FORWARD jumps (inserted first) to CNI-ISOLATION-STAGE-1 and CNI-FORWARD; CNI-FORWARD starts with a jump
/// to the admin chain; per attachment and family, CNI-FORWARD gets `-d IP ctstate RELATED,ESTABLISHED
/// ACCEPT` + `-s IP ACCEPT`, and the isolation stages get this bridge's rules, each line tagged with the owner
/// comment. ADD = one `iptables-save -t filter` + one `iptables-restore --noflush` per family (only missing
/// chains/jumps are created; a concurrent creator makes our `-N` fail, so we read again and retry). DEL/GC =
/// one save + one restore deleting the owner's lines by their saved spec. Shared chains and jumps stay.
/// </summary>
public sealed class ForwardIptablesFirewall : IForwardFirewall
{
    public const string ForwardChain = "CNI-FORWARD";
    public const string Stage1 = "CNI-ISOLATION-STAGE-1";
    public const string Stage2 = "CNI-ISOLATION-STAGE-2";
    private const int MaxAttempts = 3;

    private readonly string _adminChain;

    public ForwardIptablesFirewall(string adminChain = ForwardFirewalls.DefaultAdminChain)
    {
        if (string.IsNullOrEmpty(adminChain) || adminChain.Length > 28 || adminChain.Any(c => char.IsWhiteSpace(c) || c is '"' or '\''))
            throw new ArgumentException($"invalid iptables chain name \"{adminChain}\" (1..28 characters, no spaces or quotes)", nameof(adminChain));
        _adminChain = adminChain;
    }

    public string Backend => Firewalls.Iptables;

    /// <inheritdoc/>
    public void Add(ForwardAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var done = new List<bool>();
        try
        {
            foreach (bool ipv6 in new[] { false, true })
            {
                if (!attachment.HasFamily(ipv6)) continue;
                var tool = Tool(ipv6);
                ApplyWithRetry(tool, state => AddBatch(state, attachment, ipv6));
                done.Add(ipv6);
            }
        }
        catch
        {
            // The IPv4 batch went in but IPv6 failed: take IPv4's lines out again, ADD is all or nothing.
            foreach (bool ipv6 in done) RemoveFamily(ipv6, tag => tag == attachment.Owner.Tag);
            throw;
        }
    }

    /// <inheritdoc/>
    public void Remove(FirewallOwner owner)
    {
        foreach (bool ipv6 in new[] { false, true }) RemoveFamily(ipv6, tag => tag == owner.Tag);
    }

    /// <inheritdoc/>
    public void Verify(ForwardAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        foreach (bool ipv6 in new[] { false, true })
        {
            if (!attachment.HasFamily(ipv6)) continue;
            var state = ForwardIptablesState.Parse(Tool(ipv6).Save("filter"));
            var present = state.Rules.Where(r => r.Tag == attachment.Owner.Tag).Select(r => r.Chain).ToList();
            var expected = OwnerLines(attachment, ipv6).Select(l => l.Chain).ToList();
            foreach (var chain in expected.Distinct())
                if (present.Count(c => c == chain) < expected.Count(c => c == chain))
                    throw new FirewallException($"{(ipv6 ? "ip6tables" : "iptables")} filter chain {chain} lacks rules of {attachment.Owner.Comment}");
            if (!state.Jumps("FORWARD", ForwardChain))
                throw new FirewallException($"{(ipv6 ? "ip6tables" : "iptables")} FORWARD no longer jumps to {ForwardChain}");
        }
    }

    /// <inheritdoc/>
    public void Collect(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var keep = new HashSet<string>(valid.Select(v => FirewallOwner.AttachmentHash(v.ContainerId, v.IfName)), StringComparer.Ordinal);
        foreach (bool ipv6 in new[] { false, true }) RemoveFamily(ipv6, tag => NftFirewall.IsStale(tag, network, keep));
    }

    /// <summary>
    /// The nftables backend's companion: the accept lines inserted at the top of FORWARD itself, so that a
    /// DROP policy or rule there (Docker, ufw) does not swallow the containers' traffic. No read needed.
    /// </summary>
    internal static void AddForwardAccepts(ForwardAttachment attachment, bool ipv6)
    {
        var b = new System.Text.StringBuilder("*filter\n");
        foreach (var line in AcceptLines(attachment, ipv6)) b.Append("-I FORWARD 1 ").Append(line).Append('\n');
        Tool(ipv6).Restore(b.Append("COMMIT\n").ToString());
    }

    /// <summary>
    /// Deletes the selected lines of one family, if that family has a filter FORWARD at all (checked without
    /// exec: saving a legacy table that does not exist would create it). A concurrent delete of the same line
    /// fails our batch as a whole; read again and retry.
    /// </summary>
    internal static void RemoveFamily(bool ipv6, Func<string, bool> selectTag)
    {
        if (!ForwardChainProbe.IptablesForwardExists(ipv6)) return;
        var tool = IptablesTool.Find(ipv6, legacyTable: "filter");
        if (tool == null) return; // nothing can have been added through a missing tool
        ApplyWithRetry(tool, state => state.RemovalBatch(selectTag));
    }

    private static void ApplyWithRetry(IptablesTool tool, Func<ForwardIptablesState, string> batchFor)
    {
        for (int attempt = 1; ; attempt++)
        {
            string batch = batchFor(ForwardIptablesState.Parse(tool.Save("filter")));
            if (batch.Length == 0) return;
            try
            {
                tool.Restore(batch);
                return;
            }
            catch (FirewallException) when (attempt < MaxAttempts)
            {
            }
        }
    }

    /// <summary>Creates what is missing (chains, jumps), then the owner's lines. Isolation goes in at the top of its stages.</summary>
    private string AddBatch(ForwardIptablesState state, ForwardAttachment a, bool ipv6)
    {
        var b = new System.Text.StringBuilder("*filter\n");
        void Chain(string name) { if (!state.Chains.Contains(name)) b.Append("-N ").Append(name).Append('\n'); }
        Chain(ForwardChain);
        Chain(_adminChain);
        if (!state.Jumps(ForwardChain, _adminChain))
            b.Append($"-I {ForwardChain} 1 -m comment --comment \"CNI firewall plugin admin overrides\" -j {_adminChain}\n");
        if (!state.Jumps("FORWARD", ForwardChain))
        {
            // Below an existing isolation jump (isolation drops must be seen before accepts), else first.
            int stage1 = state.Rules.Where(r => r.Chain == "FORWARD").ToList().FindIndex(r => r.Line.EndsWith(" -j " + Stage1, StringComparison.Ordinal));
            b.Append($"-I FORWARD {stage1 + 2} -m comment --comment \"CNI firewall plugin rules\" -j {ForwardChain}\n");
        }
        if (a.Policy != ForwardIngressPolicy.Open)
        {
            Chain(Stage1);
            Chain(Stage2);
            // Inserted after the CNI-FORWARD jump, so it ends up above it: isolation drops come before accepts.
            if (!state.Jumps("FORWARD", Stage1))
                b.Append($"-I FORWARD 1 -m comment --comment \"CNI firewall plugin rules (ingressPolicy)\" -j {Stage1}\n");
        }
        foreach (var (chain, line) in OwnerLines(a, ipv6))
            b.Append(chain == ForwardChain ? "-A " : "-I ").Append(chain).Append(chain == ForwardChain ? " " : " 1 ").Append(line).Append('\n');
        return b.Append("COMMIT\n").ToString();
    }

    /// <summary>
    /// Every line the owner gets in one family: (chain, spec). Stage lines are inserted, not appended: a stage
    /// chain made by the reference plugin ends in `-j RETURN`, and lines after it would never be reached.
    /// </summary>
    private static List<(string Chain, string Line)> OwnerLines(ForwardAttachment a, bool ipv6)
    {
        string c = Comment(a.Owner);
        var lines = new List<(string, string)>();
        if (a.Policy != ForwardIngressPolicy.Open)
        {
            string br = a.Bridge!;
            lines.Add((Stage1, $"-i {br} ! -o {br} {c} -j {Stage2}"));
            if (a.Policy == ForwardIngressPolicy.Isolated) lines.Add((Stage1, $"-i {br} -o {br} {c} -j DROP"));
            lines.Add((Stage2, $"-o {br} {c} -j DROP"));
        }
        foreach (var line in AcceptLines(a, ipv6)) lines.Add((ForwardChain, line));
        return lines;
    }

    private static IEnumerable<string> AcceptLines(ForwardAttachment a, bool ipv6)
    {
        string c = Comment(a.Owner);
        foreach (var address in a.Addresses.Where(x => x.IsIPv4 != ipv6))
        {
            string host = $"{address.Address}/{address.Bits}";
            yield return $"-d {host} -m conntrack --ctstate RELATED,ESTABLISHED {c} -j ACCEPT";
            yield return $"-s {host} {c} -j ACCEPT";
        }
    }

    private static string Comment(FirewallOwner owner) => $"-m comment --comment \"{owner.Comment}\"";

    private static IptablesTool Tool(bool ipv6)
        => IptablesTool.Find(ipv6, legacyTable: "filter") ?? throw new FirewallException(
            $"the iptables firewall needs {(ipv6 ? "ip6tables" : "iptables")}-save and -restore, which are not installed");
}
