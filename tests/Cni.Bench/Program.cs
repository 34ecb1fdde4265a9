using System.Globalization;
using System.Runtime.InteropServices;
using Cni.Bench;

// Benchmark: our NativeAOT plugins (out/bin) against the reference plugins (/usr/lib/cni), side by side in
// one run. Usage: Cni.Bench [--ours DIR] [--ref DIR] [--spawner PATH] [-n N] [--warmup W] [--only TEXT]
var root = FindRepoRoot();
var oursDir = Path.Combine(root, "out", "bin");
var refDir = "/usr/lib/cni";
var spawner = Path.Combine(root, "out", "obj", "bench", "cni-bench-spawn");
var iterations = 100;
var warmup = 5;
string? only = null;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--ours": oursDir = Path.GetFullPath(Next()); break;
        case "--ref": refDir = Path.GetFullPath(Next()); break;
        case "--spawner": spawner = Path.GetFullPath(Next()); break;
        case "-n": iterations = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--only": only = Next(); break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}; usage: [--ours DIR] [--ref DIR] [--spawner PATH] [-n N] [--warmup W] [--only TEXT]");
            return 2;
    }
}
if (!File.Exists(spawner))
{
    Console.Error.WriteLine($"spawner {spawner} not found: run ./build.sh bench (it publishes tests/Cni.Bench/Spawner)");
    return 2;
}
if (iterations < 1 || warmup < 0)
{
    Console.Error.WriteLine("-n must be >= 1 and --warmup >= 0");
    return 2;
}

var isRoot = Tools.IsRoot();
var spawn = new Spawn(spawner);
using var ours = Side.Create("ours", oursDir, withNetns: isRoot);
using var reference = Side.Create("ref", refDir, withNetns: isRoot);
// Ctrl-C or SIGTERM stops after the current invocation, so the namespaces and temp dirs are still removed.
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

// What the spawner itself costs and leaves in ru_maxrss: the same measurement of /bin/true.
var floor = new Stats();
for (var i = 0; i < 21; i++)
{
    floor.Add(spawn.Run("/bin/true", new Dictionary<string, string>(), ""));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ours: {oursDir}   reference: {refDir}   N={iterations} per side (alternating), warm-up {warmup}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"measurement floor (/bin/true through the spawner): p50 {floor.P50:0.000} ms, peak RSS {floor.MaxRssKb} KiB"));
// Both sides share the noise, but a busy machine widens p99; say how busy it was.
Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} ({Environment.ProcessorCount} CPUs)");
if (!isRoot)
{
    Console.WriteLine("not root: rows that need a network namespace are skipped");
}
Console.WriteLine();

var runner = new Runner(spawn, ours, reference, iterations, warmup);
var results = new List<RowResult>();
foreach (var row in Rows.All.Where(r => only is null || r.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
{
    if (!Console.IsErrorRedirected)
    {
        Console.Error.Write($"  running {row.Name}...\r");
    }
    results.Add(runner.Run(row));
    if (!Console.IsErrorRedirected)
    {
        Console.Error.Write(new string(' ', 60) + "\r");
    }
}
Report.Print(results, ours, reference);
return results.Any(r => r.Error is not null) ? 1 : 0;

static void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    Runner.Cancelled = true;
}

static string FindRepoRoot()
{
    for (var dir = Directory.GetCurrentDirectory(); dir is not null; dir = Path.GetDirectoryName(dir))
    {
        if (File.Exists(Path.Combine(dir, "Cni.sln")))
        {
            return dir;
        }
    }
    for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
    {
        if (File.Exists(Path.Combine(dir, "Cni.sln")))
        {
            return dir;
        }
    }
    return Directory.GetCurrentDirectory();
}
