using System.Diagnostics;
using System.Text.Json;

namespace Cni.TestKit;

/// <summary>What a finished process left: exit code, stdout, stderr.</summary>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr)
{
    public ExecResult EnsureSuccess(string what)
        => ExitCode == 0 ? this : throw new InvalidOperationException($"{what} failed ({ExitCode}): {Stderr}{Stdout}");
}

/// <summary>
/// Runs external programs for tests: the plugin binaries (as a runtime would) and the read-back tools
/// (`ip -j`, `nft -j`). Product code never does this; tests use it to check real kernel state.
/// </summary>
public static class Sh
{
    public static ExecResult Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null,
        string? stdin = null, bool clearEnv = false, int timeoutMs = 60_000)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (clearEnv)
        {
            psi.Environment.Clear();
            psi.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        }
        if (env != null)
            foreach (var (k, v) in env)
            {
                if (v == null) psi.Environment.Remove(k);
                else psi.Environment[k] = v;
            }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        if (stdin != null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeoutMs))
        {
            try { p.Kill(true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        p.WaitForExit();
        return new ExecResult(p.ExitCode, outTask.Result, errTask.Result);
    }

    public static ExecResult Run(string file, params string[] args) => Run(file, (IEnumerable<string>)args);

    /// <summary>`sh -c script`, failing the test if it fails.</summary>
    public static string Script(string script)
        => Run("/bin/sh", "-c", script).EnsureSuccess(script).Stdout;

    /// <summary>`ip [-n netns] -j args...` parsed as JSON (an empty answer is an empty array).</summary>
    public static JsonElement IpJson(string? netns, params string[] args)
    {
        var all = new List<string>();
        if (netns != null) { all.Add("-n"); all.Add(netns); }
        all.Add("-j");
        all.AddRange(args);
        var r = Run("ip", all).EnsureSuccess("ip " + string.Join(' ', all));
        var text = string.IsNullOrWhiteSpace(r.Stdout) ? "[]" : r.Stdout;
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
