using System.Diagnostics;
using System.Text.Json;
using Cni.Conformance.Checks;
using Cni.Conformance.Report;
using Cni.Conformance.Runtime;
using Cni.Conformance.Subjects;

namespace Cni.Conformance;

/// <summary>Runs the catalog against each discovered plugin, then the chained conflists; collects rows.</summary>
public sealed class Runner(string dir, ICollection<string>? only, TextWriter output)
{
    public List<Row> Rows { get; } = [];

    public void Run()
    {
        var plugins = Plugin.Discover(dir, only);
        if (plugins.Count == 0) output.WriteLine($"no known plugins in {dir}");
        TableReport.WriteHeader(output);
        foreach (var plugin in plugins) RunPlugin(plugin);
        foreach (var (id, label, outcome) in Chains.Run(dir, plugins, only))
            Add(new Row(id, label, "conflist " + label, outcome.Verdict, outcome.Reason, 0));
    }

    private void RunPlugin(Plugin plugin)
    {
        var subject = Subject.For(plugin);
        var ctx = new CheckContext(plugin, subject);
        var unavailable = subject.Unavailable;
        foreach (var check in Catalog.All.Where(c => c.AppliesTo(plugin.Kind)))
        {
            // Without the kernel feature only VERSION can be judged; one row says why the rest did not run.
            if (unavailable != null && check.Id is not ("C1" or "C2"))
            {
                Add(new Row("C3-C64", plugin.Name, "checks needing the plugin's link kind", Verdict.Skip, unavailable, 0));
                break;
            }
            var sw = Stopwatch.StartNew();
            var outcome = Judge(check, ctx, subject);
            if (outcome == null) continue;
            Add(new Row(check.Id, plugin.Name, check.Title, outcome.Verdict, outcome.Reason, sw.Elapsed.TotalSeconds));
        }
    }

    private static Outcome? Judge(CheckDef check, CheckContext ctx, Subject subject)
    {
        // C1/C2 judge VERSION itself, so they run even when the probe failed.
        if (ctx.Plugin.VersionError is { } ve && check.Id is not ("C1" or "C2")) return Outcome.Skip("VERSION unusable: " + ve);
        if (check.NeedsLatest && !ctx.Plugin.Supports(SpecVersion.Latest)) return Outcome.Skip("plugin does not support 1.1.0");
        try
        {
            return check.Run(ctx);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or JsonException or InvalidCastException or KeyNotFoundException)
        {
            return Outcome.Fail("runner error: " + e.Message);
        }
    }

    private void Add(Row row)
    {
        Rows.Add(row);
        TableReport.WriteRow(output, row);
    }
}
