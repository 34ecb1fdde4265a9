using Cni.Linux.Netlink;
using Cni.Linux.Netns;
using Cni.Linux.Nftables;
using Cni.TestKit;

namespace Cni.Linux.Tests.Nftables;

/// <summary>
/// nf_tables over netlink inside throwaway namespaces; every result is read back with `nft -j`.
/// </summary>
public class NftNamespaceTests
{
    private static readonly NftTable Table = new(NftFamily.Inet, "cnit");
    private static readonly NftChain Base = new(NftFamily.Inet, "cnit", "post", new NftBaseChainSpec("nat", NftHook.Postrouting, 100));
    private static readonly NftChain Regular = new(NftFamily.Inet, "cnit", "checks");

    private static NftRule Rule(string chain, string comment) => new(NftFamily.Inet, "cnit", chain,
        [new MetaExpression(NftMetaKey.NfProto), new CmpExpression(NftCmpOp.Eq, [2]), new CounterExpression(), ImmediateExpression.Return()],
        comment);

    [Fact]
    public void TableChainsAndRulesReadBackWithNft()
    {
        Requires.Root();
        using var ns = TestNetns.Create("nft");
        using var netns = NetNs.Open(ns.Path);
        var listed = netns.Run(() =>
        {
            using var nft = NftConnection.Open();
            nft.Commit(NftConnection.Begin()
                .AddTable(Table).AddChain(Base).AddChain(Regular)
                .AddRule(new NftRule(NftFamily.Inet, "cnit", "post", [ImmediateExpression.Jump("checks")], "to checks"))
                .AddRule(Rule("checks", "first"))
                .AddRule(Rule("checks", "second")));
            return nft.ListRules(NftFamily.Inet, "cnit", "checks");
        });

        var chains = NftRuleset.Objects(ns, "chain");
        var post = Assert.Single(chains, c => c.GetProperty("name").GetString() == "post");
        Assert.Equal("nat", post.GetProperty("type").GetString());
        Assert.Equal("postrouting", post.GetProperty("hook").GetString());
        Assert.Equal(100, post.GetProperty("prio").GetInt32());
        Assert.Single(chains, c => c.GetProperty("name").GetString() == "checks");

        var jump = Assert.Single(NftRuleset.Rules(ns, "cnit", "post"));
        Assert.Equal("checks", jump.GetProperty("expr")[0].GetProperty("jump").GetProperty("target").GetString());

        var rules = NftRuleset.Rules(ns, "cnit", "checks");
        Assert.Equal(["first", "second"], rules.Select(NftRuleset.Comment));
        Assert.Contains("\"return\"", rules[0].GetProperty("expr").GetRawText());
        // Our listing agrees with nft on handles and comments.
        Assert.Equal(rules.Select(r => (r.GetProperty("handle").GetUInt64(), NftRuleset.Comment(r))),
            listed.Select(r => (r.Handle, r.Comment)));
    }

    [Fact]
    public void DeleteByHandleRemovesExactlyThatRule()
    {
        Requires.Root();
        using var ns = TestNetns.Create("nft");
        using var netns = NetNs.Open(ns.Path);
        netns.Run(() =>
        {
            using var nft = NftConnection.Open();
            nft.Commit(NftConnection.Begin().AddTable(Table).AddChain(Regular)
                .AddRule(Rule("checks", "a")).AddRule(Rule("checks", "b")).AddRule(Rule("checks", "c")));
            var b = nft.ListRules(NftFamily.Inet, "cnit", "checks").Single(r => r.Comment == "b");
            nft.Commit(NftConnection.Begin().DeleteRule(b));
        });
        Assert.Equal(["a", "c"], NftRuleset.Rules(ns, "cnit", "checks").Select(NftRuleset.Comment));
    }

    [Fact]
    public void FailingBatchChangesNothingAndNamesTheOperation()
    {
        Requires.Root();
        using var ns = TestNetns.Create("nft");
        using var netns = NetNs.Open(ns.Path);
        var e = Assert.ThrowsAny<NetlinkException>(() => netns.Run(() =>
        {
            using var nft = NftConnection.Open();
            nft.Commit(NftConnection.Begin().AddTable(Table).AddChain(Regular)
                .AddRule(Rule("checks", "ok"))
                .AddRule(Rule("missing", "bad")));
        }));
        Assert.Equal(2, e.Errno); // ENOENT: no such chain
        Assert.Contains("add rule inet cnit missing", e.Message);
        // Atomic: the table and chain created earlier in the same batch were rolled back too.
        Assert.Empty(NftRuleset.Objects(ns, "table"));
    }

    [Fact]
    public void ReAddingTableAndBaseChainIsIdempotentAndListingMissingIsEmpty()
    {
        Requires.Root();
        using var ns = TestNetns.Create("nft");
        using var netns = NetNs.Open(ns.Path);
        var missing = netns.Run(() =>
        {
            using var nft = NftConnection.Open();
            var none = nft.ListRules(NftFamily.Inet, "cnit", "post");
            for (int i = 0; i < 3; i++) nft.Commit(NftConnection.Begin().AddTable(Table).AddChain(Base));
            nft.Commit(NftConnection.Begin().FlushChain(NftFamily.Inet, "cnit", "post"));
            return none;
        });
        Assert.Empty(missing);
        Assert.Single(NftRuleset.Objects(ns, "table"));
        Assert.Single(NftRuleset.Objects(ns, "chain"));
    }
}
