using System.Diagnostics;

namespace Cni.Runtime;

/// <summary>
/// Executes plugins as child processes with the runtime's own environment plus the CNI_* variables (libcni's
/// invoke does the same). The child is forked from the calling thread, so it starts in that thread's network
/// namespace: calling this inside <c>NetNs.Run</c> runs the plugin "on" that host namespace.
/// </summary>
public sealed class ProcessPluginExec : IPluginExec
{
    /// <summary>A plugin that hangs this long is killed: a runtime must not wait forever on one attachment.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    public PluginOutput Run(string path, byte[] stdin, IReadOnlyDictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + path);
        using var stdout = new MemoryStream();
        var outTask = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        var errTask = p.StandardError.ReadToEndAsync();
        try
        {
            p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // The plugin exited without reading stdin (EPIPE); its exit status and output say why.
        }
        if (!p.WaitForExit(Timeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"{path} did not finish within {Timeout.TotalSeconds:0} s");
        }
        p.WaitForExit();
        outTask.GetAwaiter().GetResult();
        return new PluginOutput(p.ExitCode, stdout.ToArray(), errTask.GetAwaiter().GetResult());
    }
}
