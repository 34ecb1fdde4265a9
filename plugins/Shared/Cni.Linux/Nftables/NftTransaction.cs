namespace Cni.Linux.Nftables;

/// <summary>
/// Collects nf_tables operations and commits them as ONE NFNETLINK batch: the kernel applies all of them or,
/// if any fails, none (the same atomicity as `nft -f file`). Operations run in the order they were added.
/// Commit with <see cref="NftConnection.Commit"/>; a transaction can be committed once.
/// </summary>
public sealed class NftTransaction
{
    private readonly List<byte[]> _messages = [];
    private readonly List<string> _operations = [];

    public int Count => _messages.Count;

    internal IReadOnlyList<string> Operations => _operations;

    /// <summary>`nft add table FAMILY NAME` (idempotent).</summary>
    public NftTransaction AddTable(NftTable table) => Add(NftMessages.NewTable(table), $"add table {Describe(table.Family)} {table.Name}");

    /// <summary>`nft delete table FAMILY NAME`.</summary>
    public NftTransaction DeleteTable(NftTable table) => Add(NftMessages.DelTable(table), $"delete table {Describe(table.Family)} {table.Name}");

    /// <summary>`nft add chain FAMILY TABLE NAME [{ type .. hook .. priority ..; policy ..; }]` (idempotent).</summary>
    public NftTransaction AddChain(NftChain chain)
        => Add(NftMessages.NewChain(chain), $"add chain {Describe(chain.Family)} {chain.Table} {chain.Name}");

    /// <summary>`nft delete chain FAMILY TABLE NAME`.</summary>
    public NftTransaction DeleteChain(NftFamily family, string table, string chain)
        => Add(NftMessages.DelChain(family, table, chain), $"delete chain {Describe(family)} {table} {chain}");

    /// <summary>`nft flush chain FAMILY TABLE NAME`: deletes every rule of the chain.</summary>
    public NftTransaction FlushChain(NftFamily family, string table, string chain)
        => Add(NftMessages.DelRule(family, table, chain, null), $"flush chain {Describe(family)} {table} {chain}");

    /// <summary>`nft add rule FAMILY TABLE CHAIN ...` (appended).</summary>
    public NftTransaction AddRule(NftRule rule)
        => Add(NftMessages.NewRule(rule), $"add rule {Describe(rule.Family)} {rule.Table} {rule.Chain}" +
            (rule.Comment != null ? $" comment \"{rule.Comment}\"" : ""));

    /// <summary>`nft delete rule FAMILY TABLE CHAIN handle N`.</summary>
    public NftTransaction DeleteRule(NftRuleInfo rule)
        => Add(NftMessages.DelRule(rule.Family, rule.Table, rule.Chain, rule.Handle),
            $"delete rule {Describe(rule.Family)} {rule.Table} {rule.Chain} handle {rule.Handle}");

    /// <summary>The whole batch: begin, the operations, end, back to back (each already 4-byte aligned).</summary>
    internal byte[] BuildDatagram()
    {
        var begin = NftMessages.BatchBegin();
        var end = NftMessages.BatchEnd();
        int length = begin.Length + end.Length;
        foreach (var m in _messages) length += m.Length;
        var datagram = new byte[length];
        int offset = 0;
        begin.CopyTo(datagram, offset);
        offset += begin.Length;
        foreach (var m in _messages)
        {
            m.CopyTo(datagram, offset);
            offset += m.Length;
        }
        end.CopyTo(datagram, offset);
        return datagram;
    }

    internal static string Describe(NftFamily family) => family switch
    {
        NftFamily.Inet => "inet",
        NftFamily.Ip => "ip",
        NftFamily.Ip6 => "ip6",
        NftFamily.Bridge => "bridge",
        NftFamily.Arp => "arp",
        NftFamily.Netdev => "netdev",
        _ => ((byte)family).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private NftTransaction Add(byte[] message, string operation)
    {
        _messages.Add(message);
        _operations.Add(operation);
        return this;
    }
}
