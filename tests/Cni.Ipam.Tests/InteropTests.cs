using Cni.Ipam.HostLocal;
using Cni.TestKit;

namespace Cni.Ipam.Tests;

/// <summary>Our host-local (in-process) and Debian's reference binary take turns on one dataDir.</summary>
public class InteropTests
{
    private static readonly HostLocalPlugin P = new();
    private const string Reference = Repo.ReferenceBin + "/host-local";
    private const string Ranges = """[[{"subnet":"10.9.0.0/28"}],[{"subnet":"fd00::/120"}]]""";

    private static RunResult Ours(string cmd, TempDataDir d, string id) => Plugin.InProc(P, cmd, d.HostLocal(Ranges), id);
    private static RunResult Theirs(string cmd, TempDataDir d, string id) => Plugin.Exec(Reference, cmd, d.HostLocal(Ranges), id);

    [Fact]
    public void Alternating_adds_and_dels_never_duplicate_and_every_release_is_honoured()
    {
        Requires.Binary(Reference, "Debian's containernetworking-plugins, the reference to interoperate with");
        using var d = new TempDataDir();
        var seen = new HashSet<string>();
        for (int i = 0; i < 6; i++)
        {
            var r = (i % 2 == 0 ? Ours("ADD", d, "c" + i) : Theirs("ADD", d, "c" + i)).Ok();
            foreach (var a in r.Addresses) Assert.True(seen.Add(a), $"{a} handed out twice");
        }
        Assert.Equal(12, d.Leases().Count);
        // Round robin continued across binaries: .2 .3 .4 ... in order.
        Assert.Equal(Enumerable.Range(2, 6).Select(i => $"10.9.0.{i}/28"), seen.Where(a => a.StartsWith("10.", StringComparison.Ordinal)));

        // DELs by the other binary, both ways.
        for (int i = 0; i < 6; i++)
            (i % 2 == 0 ? Theirs("DEL", d, "c" + i) : Ours("DEL", d, "c" + i)).Ok();
        Assert.Empty(d.Leases());

        // And our index does not make the reference see leases that are gone (or vice versa).
        Ours("ADD", d, "x").Ok();
        Theirs("ADD", d, "y").Ok();
        Assert.NotEqual(0, Theirs("ADD", d, "x").ExitCode); // the reference sees x's lease: duplicate
        Assert.NotEqual(0, Ours("ADD", d, "y").ExitCode);   // and we see y's
        Theirs("CHECK", d, "x").Ok();
        Theirs("DEL", d, "x").Ok();
        Ours("DEL", d, "y").Ok();
        Assert.Empty(d.Leases());
    }

    [Fact]
    public void Legacy_id_only_leases_are_released_by_us()
    {
        Requires.Binary(Reference, "Debian's containernetworking-plugins, the reference to interoperate with");
        using var d = new TempDataDir();
        Theirs("ADD", d, "old").Ok();
        // Rewrite its leases the way host-local before 0.7 did: container ID only.
        foreach (var name in d.Leases().Keys) File.WriteAllText(Path.Combine(d.Net(), name), "old");
        Ours("DEL", d, "old").Ok();
        Assert.Empty(d.Leases());
    }
}
