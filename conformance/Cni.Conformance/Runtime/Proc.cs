using System.Diagnostics;

namespace Cni.Conformance.Runtime;

/// <summary>What a finished process left behind.</summary>
public sealed record ProcResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Ok => ExitCode == 0;
}

/// <summary>
/// Runs a program with an exact environment and stdin. The environment is replaced, not merged,
/// so a plugin sees only what a runtime would hand it (plus PATH for its own helpers).
/// </summary>
public static class Proc
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static ProcResult Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null,
        string? stdin = null, int timeoutMs = 30_000)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        psi.Environment["PATH"] = DefaultPath;
        if (env != null)
            foreach (var (k, v) in env) psi.Environment[k] = v;

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        try
        {
            if (!string.IsNullOrEmpty(stdin)) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // The plugin may exit without reading stdin (e.g. on an env error); that is its right.
        }
        if (!p.WaitForExit(timeoutMs))
        {
            try { p.Kill(true); } catch (InvalidOperationException) { }
            return new ProcResult(-1, outTask.Result, $"timed out after {timeoutMs} ms");
        }
        p.WaitForExit();
        return new ProcResult(p.ExitCode, outTask.Result, errTask.Result);
    }

    public static ProcResult Run(string file, params string[] args) => Run(file, (IEnumerable<string>)args);

    /// <summary>Runs a tool that must succeed (setup steps); a failure is a runner error, not a plugin verdict.</summary>
    public static string Must(string file, params string[] args)
    {
        var r = Run(file, args);
        if (!r.Ok)
            throw new InvalidOperationException($"setup step failed: {file} {string.Join(' ', args)}: {r.Stderr.Trim()}{r.Stdout.Trim()}");
        return r.Stdout;
    }
}
