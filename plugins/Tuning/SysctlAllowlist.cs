using System.Text.RegularExpressions;
using Cni.Linux.FileSystem;
using Cni.Sdk;

namespace Cni.Plugins.Tuning;

/// <summary>
/// The administrator's optional allow-list of sysctl keys: one regular expression per line, matched (unanchored,
/// as in the reference) against each key as written in the config, before <c>IFNAME</c> substitution, so a line
/// like <c>^net\.ipv4\.conf\.IFNAME\.arp_filter$</c> works. Blank lines and lines starting with '#' are skipped.
/// A file that exists but lists no pattern allows nothing: the file's presence means "restricted".
/// </summary>
public sealed class SysctlAllowlist
{
    public const string DefaultPath = "/etc/cni/tuning/allowlist.conf";

    /// <summary>
    /// Overrides <see cref="DefaultPath"/>. An environment variable rather than a config key on purpose: the list
    /// limits what config authors may set, so a config must not be able to point it elsewhere.
    /// </summary>
    public const string PathEnvironmentVariable = "CNI_TUNING_ALLOWLIST";

    private readonly List<Regex> _patterns;

    private SysctlAllowlist(string path, List<Regex> patterns)
    {
        FilePath = path;
        _patterns = patterns;
    }

    public string FilePath { get; }

    /// <summary>The allow-list in force for this invocation, or null when there is none (everything allowed).</summary>
    public static SysctlAllowlist? Load(CmdArgs args)
    {
        string path = args.Environment.TryGetValue(PathEnvironmentVariable, out var p) && p.Length > 0 ? p : DefaultPath;
        string[] lines;
        try
        {
            // No allow-list is the common case: answered by statx without an exception (the catch below stays for
            // a race). Any other statx failure (EACCES...) throws and is "unreadable", not "absent".
            if (!FileStatus.TryGet(path, out _)) return null;
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable is not "absent": failing open would silently lift the administrator's restriction.
            throw new CniException(CniErrorCode.IoFailure, $"read sysctl allow-list {path}", e.Message);
        }
        var patterns = new List<Regex>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            try
            {
                patterns.Add(new Regex(line, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
            }
            catch (ArgumentException e)
            {
                throw new CniException(CniErrorCode.Internal, $"sysctl allow-list {path}: invalid pattern \"{line}\"", e.Message);
            }
        }
        return new SysctlAllowlist(path, patterns);
    }

    public bool Allows(string key) => _patterns.Any(r => r.IsMatch(key));

    /// <summary>Throws code 7 naming the first key the list does not allow.</summary>
    public void Enforce(IEnumerable<SysctlSetting> settings)
    {
        foreach (var s in settings)
            if (!Allows(s.Key))
                throw new CniException(CniErrorCode.InvalidNetworkConfig, $"sysctl {s.Key} is not allowed",
                    $"{FilePath} allows only keys matching: {string.Join(", ", _patterns.Select(r => r.ToString()))}");
    }
}
