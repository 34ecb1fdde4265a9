using System.Text.Json;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Portmap;

/// <summary>
/// Runtimes start containers in parallel: concurrent ADDs of different ports must all land, and concurrent
/// ADDs racing for one port must leave exactly one winner (the claim check and the commit are one step under
/// the namespace lock). Portmap never enters the container, so prevResults here are written by hand.
/// </summary>
public sealed class PortmapConcurrencyTests
{
    private static JsonElement Prev(PortmapLab lab, int i)
        => JsonDocument.Parse($$"""{"cniVersion":"{{lab.Version}}","interfaces":[{"name":"eth0","sandbox":"{{lab.Outside.Path}}"}],"ips":[{"interface":0,"address":"192.168.77.{{100 + i}}/24"}]}""").RootElement.Clone();

    [Fact]
    public void ParallelAddsOfDifferentPortsAllLandAndParallelDelsRemoveThemAll()
    {
        using var lab = new PortmapLab();
        const int n = 20;
        var adds = Enumerable.Range(0, n).AsParallel().WithDegreeOfParallelism(n)
            .Select(i => lab.Portmap("ADD", $"ctr{i}", lab.Outside.Path, lab.PortmapConf(Prev(lab, i), PortmapLab.Map(30000 + i, 80)))).ToList();
        Assert.All(adds, r => Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr));
        Assert.Equal(2 * n, lab.NftComments().Count(c => c.Contains(" pm 4 tcp 3", StringComparison.Ordinal)));

        var dels = Enumerable.Range(0, n).AsParallel().WithDegreeOfParallelism(n)
            .Select(i => lab.Portmap("DEL", $"ctr{i}", null, lab.PortmapConf(null))).ToList();
        Assert.All(dels, r => Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr));
        Assert.Empty(lab.NftRules());
    }

    [Fact]
    public void RacingAddsForOnePortLeaveExactlyOneWinner()
    {
        using var lab = new PortmapLab();
        const int n = 8;
        var results = Enumerable.Range(0, n).AsParallel().WithDegreeOfParallelism(n)
            .Select(i => lab.Portmap("ADD", $"ctr{i}", lab.Outside.Path, lab.PortmapConf(Prev(lab, i), PortmapLab.Map(8080, 80)))).ToList();
        Assert.Single(results, r => r.ExitCode == 0);
        Assert.All(results.Where(r => r.ExitCode != 0), r => Assert.Equal(7, PortmapLab.Error(r).Code));
        Assert.Equal(2, lab.NftComments().Count(c => c.Contains(" pm 4 tcp 8080 ", StringComparison.Ordinal)));
    }
}
