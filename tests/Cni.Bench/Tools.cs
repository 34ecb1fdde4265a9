using System.Diagnostics;

namespace Cni.Bench;

/// <summary>Setup and teardown commands (`ip netns add/del`); never timed, so plain Process is fine here.</summary>
internal static class Tools
{
    public static void Run(string file, params string[] args)
    {
        var (code, output) = Exec(file, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {output}");
        }
    }

    public static void TryRun(string file, params string[] args) => Exec(file, args);

    private static (int Code, string Output) Exec(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output.Trim());
    }

    public static bool IsRoot() => Interop.LibC.geteuid() == 0;
}
