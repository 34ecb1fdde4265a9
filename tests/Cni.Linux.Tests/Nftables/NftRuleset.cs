using System.Text.Json;
using Cni.TestKit;

namespace Cni.Linux.Tests.Nftables;

/// <summary>Reads a namespace's ruleset back with `ip netns exec NS nft -j list ruleset` (the test's oracle).</summary>
internal static class NftRuleset
{
    public static JsonElement[] Objects(TestNetns ns, string kind)
    {
        var r = ns.Exec("nft", "-j", "list", "ruleset").EnsureSuccess("nft -j list ruleset in " + ns.Name);
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(o => o.TryGetProperty(kind, out _))
            .Select(o => o.GetProperty(kind).Clone())
            .ToArray();
    }

    public static JsonElement[] Rules(TestNetns ns, string table, string chain)
        => Objects(ns, "rule").Where(r => r.GetProperty("table").GetString() == table && r.GetProperty("chain").GetString() == chain).ToArray();

    public static string? Comment(JsonElement rule) => rule.TryGetProperty("comment", out var c) ? c.GetString() : null;

    /// <summary>The packets of the rule's counter expression (0 if it has none).</summary>
    public static long CounterPackets(JsonElement rule)
    {
        foreach (var e in rule.GetProperty("expr").EnumerateArray())
            if (e.TryGetProperty("counter", out var counter)) return counter.GetProperty("packets").GetInt64();
        return 0;
    }
}
