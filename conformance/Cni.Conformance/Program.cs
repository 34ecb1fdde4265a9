using Cni.Conformance;
using Cni.Conformance.Checks;
using Cni.Conformance.Report;
using Cni.Conformance.Runtime;

// cni-conformance --plugins DIR [--only NAMES] [--junit FILE] [--markdown FILE]
// Exit codes: 0 = no FAIL, 1 = at least one FAIL, 2 = usage or environment error.
string? dir = null, junit = null, markdown = null;
var only = new HashSet<string>();
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--plugins": dir = Next(); break;
            case "--only": foreach (var n in Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) only.Add(n); break;
            case "--junit": junit = Next(); break;
            case "--markdown": markdown = Next(); break;
            case "-h" or "--help": Usage(); return 0;
            default: throw new ArgumentException($"unknown argument {args[i]}");
        }
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        Usage();
        return 2;
    }
}
if (dir == null || !Directory.Exists(dir))
{
    Console.Error.WriteLine(dir == null ? "--plugins DIR is required" : $"{dir} is not a directory");
    Usage();
    return 2;
}
if (Environment.UserName != "root")
{
    Console.Error.WriteLine("cni-conformance needs root: every case runs in throwaway network namespaces (ip netns add)");
    return 2;
}

// Namespaces are removed by each case; this catches an interrupted run too.
Console.CancelKeyPress += (_, _) => Netns.DeleteAllLive();
AppDomain.CurrentDomain.ProcessExit += (_, _) => Netns.DeleteAllLive();

var started = DateTime.UtcNow;
var runner = new Runner(dir, only, Console.Out);
runner.Run();
Netns.DeleteAllLive();
var rows = runner.Rows;
Console.WriteLine();
Console.WriteLine($"{TableReport.Summary(rows)} ({(DateTime.UtcNow - started).TotalSeconds:0.0}s, plugins from {Path.GetFullPath(dir)})");
if (junit != null) JUnitReport.Write(junit, rows);
if (markdown != null)
{
    using var w = new StreamWriter(markdown);
    TableReport.WriteMarkdown(w, rows);
}
return rows.Any(r => r.Verdict == Verdict.Fail) ? 1 : 0;

static void Usage() => Console.Error.WriteLine(
    "usage: cni-conformance --plugins DIR [--only NAME,NAME] [--junit FILE] [--markdown FILE]");
