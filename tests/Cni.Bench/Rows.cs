using System.Globalization;
using System.Net;

namespace Cni.Bench;

/// <summary>
/// One plugin call: CNI_COMMAND, the config on stdin, CNI_CONTAINERID and CNI_IFNAME. Optional: the container
/// namespace (CNI_NETNS; default the side's namespace), the "host" namespace the plugin runs in (default the
/// harness's own), the plugin (default the row's), and <see cref="Next"/>: the call that follows in a chain,
/// built from this call's stdout (a runtime passing prevResult along), timed together with this one.
/// </summary>
internal sealed record Call(string Command, string Config, string ContainerId = "bench", string IfName = "eth0")
{
    public string? Netns { get; init; }
    public string? HostNetns { get; init; }
    public string? Plugin { get; init; }
    public Func<string, Call?>? Next { get; init; }
}

/// <summary>
/// What one side runs for a row: an optional untimed call before and after each timed one (the ADD that
/// a timed DEL needs, the DEL that cleans up a timed ADD), and the teardown of whatever setup made.
/// </summary>
internal sealed class Fixture : IDisposable
{
    public Func<int, Call?> Before { get; init; } = _ => null;
    public required Func<int, Call> Timed { get; init; }
    public Func<int, Call?> After { get; init; } = _ => null;
    public Action? Teardown { get; init; }

    public void Dispose() => Teardown?.Invoke();
}

/// <summary>A row's target: ours/reference p50 ratio at most <see cref="MaxRatio"/>, or none (informational).</summary>
internal sealed record Goal(double? MaxRatio)
{
    public static Goal None { get; } = new((double?)null);
    public static Goal RatioAtMost(double r) => new(r);
}

/// <summary>
/// One benchmark row. <paramref name="Setup"/> runs once per side and returns that side's fixture.
/// <paramref name="NeedsNetns"/> rows are skipped without root. <paramref name="Baseline"/> names the
/// empty-store row this one is compared with (ours/ours, goal <= 1.2).
/// </summary>
internal sealed record Row(string Name, string Plugin, Goal Goal, Func<Side, Fixture> Setup,
    bool NeedsNetns = false, string? Baseline = null)
{
    /// <summary>Other binaries the row runs (chain members, the IPAM plugin): missing or placeholder => skipped.</summary>
    public IReadOnlyList<string> AlsoNeeds { get; init; } = [];

    /// <summary>A fixed iteration count (and warm-up) instead of -n, for rows whose one iteration is large.</summary>
    public int? Iterations { get; init; }
    public int? Warmup { get; init; }

    /// <summary>
    /// More than 1: each iteration starts this many timed calls at once (indexes i*Parallel+k) and the sample is
    /// the wall time of the whole batch; Before and After calls run untimed around it.
    /// </summary>
    public int Parallel { get; init; } = 1;

    /// <summary>
    /// Set: the samples form a series (state accumulates, e.g. 1000 containers on one network) and the report
    /// compares the p50 of the last this-many samples with the first this-many (ours goal <= MaxScaling).
    /// </summary>
    public int? SeriesWindow { get; init; }

    /// <summary>
    /// Set for a plugin with no reference (vxlan): the "ref" column runs OUR binaries (out/bin, ours' CNI_PATH),
    /// with the row's fixture deciding what that side calls (our bridge for vxlan). Both sides still alternate
    /// call by call in the same row, so load changes hit both alike; those calls count toward no peak RSS.
    /// </summary>
    public bool ReferenceIsOurs { get; init; }

    public IEnumerable<string> Plugins => AlsoNeeds.Prepend(Plugin);
}

/// <summary>The rows, in print order. New plugins add their rows here (or in a Rows.*.cs file) and nowhere else.</summary>
internal static partial class Rows
{
    /// <summary>The reference (Debian 1.1.1) speaks at most 1.0.0, so every config uses it.</summary>
    public const string CniVersion = "1.0.0";

    /// <summary>Ours should scale: with 1000 leases, at most 1.2 x the empty-store time.</summary>
    public const double MaxScaling = 1.2;

    public static IReadOnlyList<Row> All { get; } =
    [
        new("VERSION", "loopback", Goal.RatioAtMost(1.0),
            _ => new Fixture { Timed = _ => new Call("VERSION", $$"""{"cniVersion":"{{CniVersion}}"}""") }),

        new("loopback ADD", "loopback", Goal.None, _ => new Fixture
        {
            Timed = _ => new Call("ADD", LoopbackConfig, IfName: "lo"),
            After = _ => new Call("DEL", LoopbackConfig, IfName: "lo"),
        }, NeedsNetns: true),

        new("loopback DEL", "loopback", Goal.None, _ => new Fixture
        {
            Before = _ => new Call("ADD", LoopbackConfig, IfName: "lo"),
            Timed = _ => new Call("DEL", LoopbackConfig, IfName: "lo"),
        }, NeedsNetns: true),

        HostLocalAdd("host-local ADD", leases: 0),
        HostLocalDel("host-local DEL", leases: 0),
        HostLocalAdd("host-local ADD, 1000 leases", leases: 1000, baseline: "host-local ADD"),
        HostLocalDel("host-local DEL, 1000 leases", leases: 1000, baseline: "host-local DEL"),
        .. BridgeRows(),
        .. ChainRows(),
        .. MacvlanRows(),
        .. VxlanRows(),
        // Last: it leaves 2 x 1000 namespaces for the kernel to tear down in the background.
        BridgeThousand(),
    ];

    private const string LoopbackConfig = $$"""{"cniVersion":"{{CniVersion}}","name":"bench-lo","type":"loopback"}""";

    // host-local rows: each ADD takes a fresh container ID; the DEL releases that same ID. The goal is
    // ours/reference <= 0.7, and ours must not slow down with a full store (the reference reads every
    // lease file on each ADD and DEL).
    private static Row HostLocalAdd(string name, int leases, string? baseline = null)
        => new(name, "host-local", Goal.RatioAtMost(0.7), side =>
        {
            var store = HostLocalStore.Create(side, name, leases);
            return new Fixture
            {
                Timed = i => new Call("ADD", store.Config, store.ContainerId(i)),
                After = i => new Call("DEL", store.Config, store.ContainerId(i)),
                Teardown = store.Delete,
            };
        }, Baseline: baseline);

    private static Row HostLocalDel(string name, int leases, string? baseline = null)
        => new(name, "host-local", Goal.RatioAtMost(0.7), side =>
        {
            var store = HostLocalStore.Create(side, name, leases);
            return new Fixture
            {
                Before = i => new Call("ADD", store.Config, store.ContainerId(i)),
                Timed = i => new Call("DEL", store.Config, store.ContainerId(i)),
                Teardown = store.Delete,
            };
        }, Baseline: baseline);

    /// <summary>A private host-local data dir for one side of one row, optionally pre-filled with leases.</summary>
    private sealed record HostLocalStore(string DataDir, string Config, string Prefix)
    {
        private const string Network = "bench-net";

        public string ContainerId(int i) => $"{Prefix}-{i}";

        public void Delete() => Directory.Delete(DataDir, recursive: true);

        public static HostLocalStore Create(Side side, string row, int leases)
        {
            var dataDir = Path.Combine(side.TempDir, "host-local-" + Guid.NewGuid().ToString("N")[..8]);
            var netDir = Path.Combine(dataDir, Network);
            Directory.CreateDirectory(netDir);
            // Leases in the reference's on-disk format: a file named by the IP holding "<id>\r\n<ifname>",
            // plus the round-robin cursor, as if 1000 ADDs had run (10.99.0.2 upwards; .0.1 is the gateway).
            IPAddress? last = null;
            for (var k = 0; k < leases; k++)
            {
                var n = 2 + k;
                last = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.99.{n / 256}.{n % 256}"));
                File.WriteAllText(Path.Combine(netDir, last.ToString()), $"pre-{k}\r\neth0");
            }
            if (last is not null)
            {
                File.WriteAllText(Path.Combine(netDir, "last_reserved_ip.0"), last.ToString());
            }
            var config = $$$"""{"cniVersion":"{{{CniVersion}}}","name":"{{{Network}}}","type":"bridge","ipam":{"type":"host-local","dataDir":"{{{dataDir}}}","ranges":[[{"subnet":"10.99.0.0/16"}]]}}""";
            var prefix = $"bench-{side.Name}-{row.Replace(' ', '-').Replace(",", "", StringComparison.Ordinal)}";
            return new HostLocalStore(dataDir, config, prefix);
        }
    }
}
