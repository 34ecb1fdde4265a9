using System.Diagnostics;

namespace Cni.Linux.Firewall;

/// <summary>
/// `iptables-save -t filter` and `iptables-restore --noflush -w` (or the ip6tables pair) for the firewall
/// plugin: the filter-table twin of <see cref="IptablesTool"/>, which only reads nat. The same binaries a host's
/// own tools (Docker, ufw) use, so our rules land in the same FORWARD chain as their DROP: when legacy
/// iptables holds a filter table in this namespace, the `-legacy` pair is used if installed (a host whose
/// `iptables` alternative points at nft would otherwise write where no DROP is); else the default pair.
/// Found on PATH, then in /usr/sbin and /sbin (runtimes often pass a minimal PATH).
/// </summary>
internal sealed class ForwardIptablesTool
{
    private const int TimeoutMs = 30_000;
    private static readonly string[] FallbackDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    private ForwardIptablesTool(bool ipv6, string save, string restore) => (IsIpv6, SavePath, RestorePath) = (ipv6, save, restore);

    public bool IsIpv6 { get; }
    public string SavePath { get; }
    public string RestorePath { get; }

    /// <summary>The pair of one family for the calling thread's namespace, or null when either is not installed.</summary>
    public static ForwardIptablesTool? Find(bool ipv6)
    {
        string prefix = ipv6 ? "ip6tables" : "iptables";
        if (ForwardChainProbe.LegacyTableExists(ipv6, "filter")
            && Locate(prefix + "-legacy-save") is { } legacySave && Locate(prefix + "-legacy-restore") is { } legacyRestore)
            return new ForwardIptablesTool(ipv6, legacySave, legacyRestore);
        string? save = Locate(prefix + "-save"), restore = Locate(prefix + "-restore");
        return save != null && restore != null ? new ForwardIptablesTool(ipv6, save, restore) : null;
    }

    /// <summary>`iptables-save -t filter`: the table as restore-syntax text (empty when it does not exist).</summary>
    public string SaveFilter() => Run(SavePath, ["-t", "filter"], stdin: null);

    /// <summary>`iptables-restore --noflush -w` fed <paramref name="batch"/>: all of it or nothing.</summary>
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
