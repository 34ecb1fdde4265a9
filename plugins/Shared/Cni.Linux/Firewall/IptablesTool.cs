using System.Diagnostics;

namespace Cni.Linux.Firewall;

/// <summary>
/// Runs iptables-save / iptables-restore (or the ip6tables pair). This is the one documented place the
/// project executes a firewall tool: hosts whose firewall is iptables get one restore batch per change.
/// Tools are found on PATH, then in /usr/sbin and /sbin (runtimes often pass a minimal PATH).
/// </summary>
internal sealed class IptablesTool
{
    private const int TimeoutMs = 30_000;
    private static readonly string[] FallbackDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    private IptablesTool(bool ipv6, string save, string restore)
    {
        IsIpv6 = ipv6;
        SavePath = save;
        RestorePath = restore;
    }

    public bool IsIpv6 { get; }
    public string SavePath { get; }
    public string RestorePath { get; }

    /// <summary>The tool pair of one family, or null when either is not installed.</summary>
    public static IptablesTool? Find(bool ipv6)
    {
        string prefix = ipv6 ? "ip6tables" : "iptables";
        string? save = Locate(prefix + "-save");
        string? restore = Locate(prefix + "-restore");
        return save != null && restore != null ? new IptablesTool(ipv6, save, restore) : null;
    }

    /// <summary>`iptables-save -t nat`: the table as restore-syntax text.</summary>
    public string SaveNat() => Run(SavePath, ["-t", "nat"], stdin: null);

    /// <summary>`iptables-restore --noflush -w` fed <paramref name="batch"/>: applied atomically per table.</summary>
    public void Restore(string batch) => Run(RestorePath, ["--noflush", "-w"], batch);

    private static string Run(string file, string[] args, string? stdin)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new FirewallException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin != null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeoutMs))
        {
            try { process.Kill(); } catch (InvalidOperationException) { }
            throw new FirewallException($"{file} {string.Join(' ', args)} did not finish in {TimeoutMs / 1000} s");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string detail = stdin != null ? $"\ninput was:\n{stdin}" : "";
            throw new FirewallException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result.Trim()}{detail}");
        }
        return stdout.Result;
    }

    private static string? Locate(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(FallbackDirectories))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
