using System.Globalization;

namespace Cni.Bench;

/// <summary>Prints the results table and the derived lines (peak RSS, ours against a baseline row of ours: the 1000-lease store against the empty one).</summary>
internal static class Report
{
    /// <summary>Goal for our peak RSS per invocation.</summary>
    public const long MaxRssKbGoal = 8 * 1024;

    private const string RowFormat = "{0,-30} {1,9} {2,9} {3,9} {4,9} {5,9}  {6}";

    public static void Print(IReadOnlyList<RowResult> results, Side ours, Side reference)
    {
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, RowFormat,
            "row (wall ms, spawn to exit)", "ours p50", "ours p99", "ref p50", "ref p99", "ours/ref", "goal"));
        Console.WriteLine(new string('-', 100));
        foreach (var r in results)
        {
            if (r.Skipped is not null || r.Error is not null)
            {
                var why = r.Skipped ?? "ERROR: " + r.Error;
                Console.WriteLine($"{r.Row.Name,-30} {why}");
                continue;
            }
            var ratio = r.Ours.P50 / r.Ref.P50;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, RowFormat, r.Row.Name,
                Ms(r.Ours.P50), Ms(r.Ours.P99), Ms(r.Ref.P50), Ms(r.Ref.P99), ratio.ToString("0.00", CultureInfo.InvariantCulture),
                r.Row.Goal.MaxRatio is { } max ? $"<= {max:0.0#}  {Verdict(ratio <= max)}" : "-"));
        }
        Console.WriteLine();
        PrintRss(ours, reference);
        PrintScaling(results);
        PrintSeries(results);
    }

    /// <summary>Series rows: p50 of the last window of samples against the first (state kept growing between them).</summary>
    private static void PrintSeries(IReadOnlyList<RowResult> results)
    {
        foreach (var r in results.Where(r => r.Row.SeriesWindow is not null))
        {
            var w = r.Row.SeriesWindow!.Value;
            if (!Completed(r) || r.Ours.Count < 2 * w || r.Ref.Count < 2 * w)
            {
                Console.WriteLine($"{r.Row.Name}: series not measured (the row was skipped, failed or is too short)");
                continue;
            }
            double First(Stats s) => s.Window(0, w).P50;
            double Last(Stats s) => s.Window(s.Count - w, w).P50;
            var scaling = Last(r.Ours) / First(r.Ours);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Row.Name}: p50 of the first {w} -> last {w} ADDs: ours {Ms(First(r.Ours))} -> {Ms(Last(r.Ours))} ms " +
                $"({scaling:0.00}x, goal <= {Rows.MaxScaling:0.0})  {Verdict(scaling <= Rows.MaxScaling)}; " +
                $"reference {Ms(First(r.Ref))} -> {Ms(Last(r.Ref))} ms ({Last(r.Ref) / First(r.Ref):0.00}x)"));
        }
    }

    private static void PrintRss(Side ours, Side reference)
    {
        if (ours.PeakRssKb.Count == 0)
        {
            Console.WriteLine("peak RSS per invocation: no completed invocations of ours");
            return;
        }
        var worst = ours.PeakRssKb.Values.Max();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak RSS per invocation (max over all runs): ours {Mb(worst)}, reference {Mb(reference.PeakRssKb.Values.DefaultIfEmpty().Max())}; " +
            $"goal ours <= {Mb(MaxRssKbGoal)}  {Verdict(worst <= MaxRssKbGoal)}"));
        foreach (var (plugin, kb) in ours.PeakRssKb)
        {
            // No reference binary of that name (vxlan) or none measured: say so rather than print 0.
            var refMb = reference.PeakRssKb.TryGetValue(plugin, out var refKb) ? Mb(refKb) : "-";
            Console.WriteLine($"    {plugin,-12} ours {Mb(kb),8}   reference {refMb,8}");
        }
    }

    private static void PrintScaling(IReadOnlyList<RowResult> results)
    {
        foreach (var full in results.Where(r => r.Row.Baseline is not null))
        {
            var empty = results.FirstOrDefault(r => r.Row.Name == full.Row.Baseline);
            if (empty is null || !Completed(empty) || !Completed(full))
            {
                Console.WriteLine($"{full.Row.Name}: scaling not measured (a row was skipped or failed)");
                continue;
            }
            var scaling = full.Ours.P50 / empty.Ours.P50;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{empty.Row.Name} -> {full.Row.Name} (p50): ours {Ms(empty.Ours.P50)} -> {Ms(full.Ours.P50)} ms, " +
                $"reference {Ms(empty.Ref.P50)} -> {Ms(full.Ref.P50)} ms; ours/ours {scaling:0.00} " +
                $"(goal <= {Rows.MaxScaling:0.0})  {Verdict(scaling <= Rows.MaxScaling)}"));
        }
    }

    private static bool Completed(RowResult r) => r.Skipped is null && r.Error is null && r.Ours.Count > 0;

    private static string Verdict(bool ok) => ok ? "PASS" : "MISS";

    private static string Ms(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Mb(long kb) => (kb / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
