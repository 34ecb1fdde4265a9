using Cni.Conformance.Checks;

namespace Cni.Conformance.Report;

/// <summary>The console table and the summary line (`N passed, N failed, N skipped`, plus warnings).</summary>
public static class TableReport
{
    public static void WriteRow(TextWriter w, Row r)
    {
        var reason = r.Reason.ReplaceLineEndings(" ");
        w.WriteLine($"{r.Id,-7} {r.Plugin,-34} {Label(r.Verdict),-5} {reason}");
        w.Flush();
    }

    public static void WriteHeader(TextWriter w)
    {
        w.WriteLine($"{"CHECK",-7} {"PLUGIN",-34} {"RESULT",-5} REASON");
        w.WriteLine(new string('-', 100));
    }

    public static string Summary(IReadOnlyCollection<Row> rows)
    {
        int N(Verdict v) => rows.Count(r => r.Verdict == v);
        var s = $"{N(Verdict.Pass)} passed, {N(Verdict.Fail)} failed, {N(Verdict.Skip)} skipped";
        return N(Verdict.Warn) > 0 ? s + $", {N(Verdict.Warn)} warnings" : s;
    }

    public static string Label(Verdict v) => v switch
    {
        Verdict.Pass => "PASS",
        Verdict.Fail => "FAIL",
        Verdict.Warn => "WARN",
        _ => "SKIP",
    };

    /// <summary>A Markdown table of the rows (for conformance/README.md).</summary>
    public static void WriteMarkdown(TextWriter w, IEnumerable<Row> rows)
    {
        w.WriteLine("| check | plugin | result | reason |");
        w.WriteLine("|---|---|---|---|");
        foreach (var r in rows)
            w.WriteLine($"| {r.Id} | {r.Plugin} | {Label(r.Verdict)} | {r.Reason.ReplaceLineEndings(" ").Replace("|", "\\|")} |");
    }
}
