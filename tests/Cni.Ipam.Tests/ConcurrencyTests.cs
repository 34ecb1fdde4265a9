using Cni.Ipam.HostLocal;

namespace Cni.Ipam.Tests;

/// <summary>Many ADD/DEL at once on one network: each run opens its own lock descriptor, so flock serialises them
/// exactly as it does separate processes.</summary>
public class ConcurrencyTests
{
    private static readonly HostLocalPlugin P = new();
    private const string Ranges = """[[{"subnet":"10.20.0.0/22"}]]""";

    [Fact]
    public void Fifty_parallel_adds_get_fifty_distinct_addresses()
    {
        using var d = new TempDataDir();
        var results = new RunResult[50];
        Parallel.For(0, 50, new ParallelOptions { MaxDegreeOfParallelism = 50 },
            i => results[i] = Plugin.InProc(P, "ADD", d.HostLocal(Ranges), "c" + i));
        Assert.All(results, r => r.Ok());
        Assert.Equal(50, results.Select(r => r.Addresses[0]).Distinct().Count());
        Assert.Equal(50, d.Leases().Count);
    }

    [Fact]
    public void Mixed_parallel_adds_and_dels_leave_exactly_the_survivors()
    {
        using var d = new TempDataDir();
        // 100 containers; each is added, and every odd one deleted again: 200 operations in parallel, with
        // each container's DEL only after its own ADD.
        var results = new RunResult[100];
        Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 32 }, i =>
        {
            results[i] = Plugin.InProc(P, "ADD", d.HostLocal(Ranges), "m" + i);
            if (i % 2 == 1) Plugin.InProc(P, "DEL", d.HostLocal(Ranges), "m" + i).Ok();
        });
        Assert.All(results, r => r.Ok());
        var leases = d.Leases();
        Assert.Equal(50, leases.Count);
        var expected = Enumerable.Range(0, 100).Where(i => i % 2 == 0).Select(i => $"m{i}\r\neth0").Order();
        Assert.Equal(expected, leases.Values.Order());
        foreach (var i in Enumerable.Range(0, 100).Where(i => i % 2 == 0))
            Assert.Equal($"m{i}\r\neth0", leases[results[i].Addresses[0].Split('/')[0]]);
    }
}
