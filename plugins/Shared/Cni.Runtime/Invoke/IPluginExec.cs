namespace Cni.Runtime;

/// <summary>What a finished plugin process left: exit status, stdout bytes, stderr text.</summary>
public sealed record PluginOutput(int ExitCode, byte[] Stdout, string Stderr);

/// <summary>
/// Runs one plugin binary with an environment and stdin. The seam for tests and for the demo, which runs
/// every plugin from a thread switched into a throwaway host namespace.
/// </summary>
public interface IPluginExec
{
    PluginOutput Run(string path, byte[] stdin, IReadOnlyDictionary<string, string> env);
}
