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

    /// <summary>
    /// The tool pair of one family, or null when either is not installed. With <paramref name="legacyTable"/>,
    /// the `-legacy` pair is taken when legacy iptables holds that table in the calling thread's namespace: our
    /// rules must land where the host's own (Docker's, ufw's) DROP is, and on a host whose `iptables` alternative
    /// points at nft the plain pair would write somewhere that DROP never sees.
    /// </summary>
    public static IptablesTool? Find(bool ipv6, string? legacyTable = null)
    {
        string prefix = ipv6 ? "ip6tables" : "iptables";
        if (legacyTable != null && ForwardChainProbe.LegacyTableExists(ipv6, legacyTable)
            && Locate(prefix + "-legacy-save") is { } legacySave && Locate(prefix + "-legacy-restore") is { } legacyRestore)
            return new IptablesTool(ipv6, legacySave, legacyRestore);
        string? save = Locate(prefix + "-save");
        string? restore = Locate(prefix + "-restore");
        return save != null && restore != null ? new IptablesTool(ipv6, save, restore) : null;
    }

    /// <summary>`iptables-save -t TABLE`: the table as restore-syntax text (empty when it does not exist).</summary>
    public string Save(string table) => Run(SavePath, ["-t", table], stdin: null);

    /// <summary>`iptables-save -t nat`.</summary>
    public string SaveNat() => Save("nat");

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
