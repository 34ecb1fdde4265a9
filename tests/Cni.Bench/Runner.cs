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
        try
        {
            for (var i = 0; i < warmup + iterations; i++)
            {
                if (Cancelled)
                {
                    return new RowResult(row, stats[ours], stats[reference], Error: "interrupted");
                }
                Side[] order = i % 2 == 0 ? [ours, reference] : [reference, ours];
                foreach (var side in order)
                {
                    var f = fixtures[side];
                    var timedStats = i < warmup ? null : stats[side];
                    if (f.Before(i) is { } before)
                    {
                        Record(side, row, Invoke(side, row, before), null);
                    }
                    Record(side, row, Invoke(side, row, f.Timed(i)), timedStats);
                    if (f.After(i) is { } after)
                    {
                        Record(side, row, Invoke(side, row, after), null);
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

    private static void Record(Side side, Row row, Sample s, Stats? timed)
    {
        timed?.Add(s);
        side.NoteRss(row.Plugin, s.MaxRssKb);
    }

    private Sample Invoke(Side side, Row row, Call call)
    {
        var env = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["CNI_COMMAND"] = call.Command,
            ["CNI_CONTAINERID"] = call.ContainerId,
            ["CNI_NETNS"] = side.NetnsPath,
            ["CNI_IFNAME"] = call.IfName,
            ["CNI_PATH"] = side.BinDir,
        };
        var s = spawn.Run(side.Binary(row.Plugin), env, call.Config);
        if (s.ExitCode != 0)
        {
            var output = (s.Stdout + " " + s.Stderr).Trim();
            throw new InvocationFailed($"{side.Name} {row.Plugin} {call.Command} ({call.ContainerId}) exited {s.ExitCode}: {output}");
        }
        return s;
    }

    private string? SkipReason(Row row)
    {
        if (row.NeedsNetns && !ours.HasNetns)
        {
            return "skipped (needs root for network namespaces)";
        }
        if (!File.Exists(ours.Binary(row.Plugin)))
        {
            return "skipped (not built)";
        }
        if (!File.Exists(reference.Binary(row.Plugin)))
        {
            return $"skipped (no reference {reference.Binary(row.Plugin)})";
        }
        return NotImplemented(row.Plugin);
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
