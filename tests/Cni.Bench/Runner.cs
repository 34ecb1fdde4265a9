using System.Diagnostics;
using System.Text.Json;

namespace Cni.Bench;

/// <summary>How one row went: both sides' stats, or why it was skipped, or the invocation that failed.</summary>
internal sealed record RowResult(Row Row, Stats Ours, Stats Ref, string? Skipped = null, string? Error = null);

/// <summary>A plugin invocation that exited non-zero: an error of the row, never a sample.</summary>
internal sealed class InvocationFailed(string message) : Exception(message);

/// <summary>
/// Runs rows: both sides' fixtures, a few untimed warm-up iterations, then N timed iterations that
/// alternate ours and reference (and swap which goes first each iteration, so neither always runs on
/// the warmer cache).
/// </summary>
internal sealed class Runner(Spawn spawn, Side ours, Side reference, int iterations, int warmup)
{
    private readonly Dictionary<string, string?> _notImplemented = [];

    public static volatile bool Cancelled;

    public RowResult Run(Row row)
    {
        var skip = SkipReason(row);
        if (skip is not null)
        {
            return new RowResult(row, new Stats(), new Stats(), Skipped: skip);
        }

        var stats = new Dictionary<Side, Stats> { [ours] = new(), [reference] = new() };
        using var oursFixture = row.Setup(ours);
        using var refFixture = row.Setup(reference);
        var fixtures = new Dictionary<Side, Fixture> { [ours] = oursFixture, [reference] = refFixture };
        var rowWarmup = row.Warmup ?? warmup;
        var rowIterations = row.Iterations ?? iterations;
        try
        {
            for (var i = 0; i < rowWarmup + rowIterations; i++)
            {
                if (Cancelled)
                {
                    return new RowResult(row, stats[ours], stats[reference], Error: "interrupted");
                }
                Side[] order = i % 2 == 0 ? [ours, reference] : [reference, ours];
                foreach (var side in order)
                {
                    var timedStats = i < rowWarmup ? null : stats[side];
                    if (row.Parallel > 1)
                    {
                        RunBatch(side, row, fixtures[side], i, timedStats);
                        continue;
                    }
                    var f = fixtures[side];
                    if (f.Before(i) is { } before)
                    {
                        Invoke(side, row, before);
                    }
                    var timed = Invoke(side, row, f.Timed(i));
                    timedStats?.Add(timed);
                    if (f.After(i) is { } after)
                    {
                        Invoke(side, row, after);
                    }
                }
            }
        }
        catch (InvocationFailed e)
        {
            return new RowResult(row, stats[ours], stats[reference], Error: e.Message);
        }
        return new RowResult(row, stats[ours], stats[reference]);
    }

    /// <summary>Runs a call and the chain behind it (<see cref="Call.Next"/>); the sample is their summed wall time.</summary>
    private Sample Invoke(Side side, Row row, Call first)
    {
        double wallMs = 0;
        long maxRss = 0;
        var stdout = "";
        for (var call = first; call is not null;)
        {
            var plugin = call.Plugin ?? row.Plugin;
            var binDir = row.ReferenceIsOurs ? ours.BinDir : side.BinDir;
            var env = new Dictionary<string, string>
            {
                ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                ["CNI_COMMAND"] = call.Command,
                ["CNI_CONTAINERID"] = call.ContainerId,
                ["CNI_NETNS"] = call.Netns ?? side.NetnsPath,
                ["CNI_IFNAME"] = call.IfName,
                ["CNI_PATH"] = binDir,
            };
            var s = spawn.Run(Path.Combine(binDir, plugin), env, call.Config, call.HostNetns);
            if (s.ExitCode != 0)
            {
                var output = (s.Stdout + " " + s.Stderr).Trim();
                throw new InvocationFailed($"{side.Name} {plugin} {call.Command} ({call.ContainerId}) exited {s.ExitCode}: {output}");
            }
            if (!row.ReferenceIsOurs || side == ours)
            {
                lock (side)
                {
                    side.NoteRss(plugin, s.MaxRssKb);
                }
            }
            wallMs += s.WallMs;
            maxRss = Math.Max(maxRss, s.MaxRssKb);
            stdout = s.Stdout;
            call = call.Next?.Invoke(s.Stdout);
        }
        return new Sample(0, stdout, "", wallMs, maxRss);
    }

    /// <summary>
    /// One iteration of a parallel row: the Before calls one by one, then all timed calls released together
    /// from threads made beforehand (thread start-up stays out of the sample), then the After calls. The
    /// sample is the wall time from the release to the last exit.
    /// </summary>
    private void RunBatch(Side side, Row row, Fixture f, int i, Stats? timedStats)
    {
        var n = row.Parallel;
        for (var k = 0; k < n; k++)
        {
            if (f.Before(i * n + k) is { } before)
            {
                Invoke(side, row, before);
            }
        }
        var calls = Enumerable.Range(0, n).Select(k => f.Timed(i * n + k)).ToArray();
        var samples = new Sample[n];
        var failures = new InvocationFailed?[n];
        using var go = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, n).Select(k => new Thread(() =>
        {
            go.Wait();
            try
            {
                samples[k] = Invoke(side, row, calls[k]);
            }
            catch (InvocationFailed e)
            {
                failures[k] = e;
            }
        })).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }
        var start = Stopwatch.GetTimestamp();
        go.Set();
        foreach (var t in threads)
        {
            t.Join();
        }
        var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (failures.FirstOrDefault(e => e is not null) is { } failed)
        {
            throw failed;
        }
        timedStats?.Add(new Sample(0, "", "", wall, samples.Max(s => s.MaxRssKb)));
        for (var k = 0; k < n; k++)
        {
            if (f.After(i * n + k) is { } after)
            {
                Invoke(side, row, after);
            }
        }
    }

    private string? SkipReason(Row row)
    {
        if (row.NeedsNetns && !ours.HasNetns)
        {
            return "skipped (needs root for network namespaces)";
        }
        foreach (var plugin in row.Plugins)
        {
            if (!File.Exists(ours.Binary(plugin)))
            {
                return $"skipped (not built: {plugin})";
            }
            if (!row.ReferenceIsOurs && !File.Exists(reference.Binary(plugin)))
            {
                return $"skipped (no reference {reference.Binary(plugin)})";
            }
            if (NotImplemented(plugin) is { } reason)
            {
                return reason.Replace("skipped (", $"skipped ({plugin}: ", StringComparison.Ordinal);
            }
        }
        return null;
    }

    /// <summary>
    /// A plugin that has not landed yet is a placeholder that prints nothing: its rows are skipped with
    /// a note instead of failing. Recognised by VERSION output that is not a JSON object with cniVersion.
    /// </summary>
    private string? NotImplemented(string plugin)
    {
        if (_notImplemented.TryGetValue(plugin, out var cached))
        {
            return cached;
        }
        var s = spawn.Run(ours.Binary(plugin), new Dictionary<string, string> { ["CNI_COMMAND"] = "VERSION" },
            $$"""{"cniVersion":"{{Rows.CniVersion}}"}""");
        string? reason = null;
        try
        {
            using var doc = JsonDocument.Parse(s.Stdout);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("cniVersion", out _))
            {
                reason = "skipped (ours: VERSION output has no cniVersion)";
            }
        }
        catch (JsonException)
        {
            reason = s.Stdout.Length == 0
                ? "skipped (ours is a placeholder: VERSION printed nothing)"
                : "skipped (ours: VERSION output is not JSON)";
        }
        return _notImplemented[plugin] = reason;
    }
}
