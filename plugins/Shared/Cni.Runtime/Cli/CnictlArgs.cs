namespace Cni.Runtime.Cli;

/// <summary>A command line cnictl cannot run; printed with the usage text, exit status 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The parsed command line. Directories default to libcni's (/etc/cni/net.d, /opt/cni/bin, /var/lib/cni), can be
/// set by the environment (NETCONFPATH, CNI_PATH, CNI_CACHE_DIR, as cnitool reads them) and by options, so
/// tests and the demo never touch the machine's own configuration or cache.
/// </summary>
public sealed record CnictlArgs
{
    public const string Usage = """
        usage: cnictl add|check|del NETWORK NETNS [options]
               cnictl gc|status NETWORK [options]
               cnictl demo [--plugin-dir DIR]
        NETNS is a name under /var/run/netns or a path.
        options:
          --ifname NAME            container interface (default eth0)
          --id ID                  container ID (default derived from NETNS)
          --publish H:C[/tcp|udp|sctp][@HOSTIP]   portMappings capability (repeatable)
          --ip ADDR[/PREFIX]       ips capability (repeatable)
          --mac MAC                mac capability
          --args K=V;K=V           CNI_ARGS
          --conf-dir DIR           network configs (NETCONFPATH, default /etc/cni/net.d)
          --plugin-dir DIR[:DIR]   plugin binaries (CNI_PATH, default /opt/cni/bin; demo: cnictl's own directory)
          --cache-dir DIR          result cache root (CNI_CACHE_DIR, default /var/lib/cni)
        """;

    public required string Command { get; init; }
    public string Network { get; init; } = "";
    public string NetNs { get; init; } = "";
    public string IfName { get; init; } = "eth0";
    public string? ContainerId { get; init; }
    public List<string> Publish { get; init; } = [];
    public List<string> Ips { get; init; } = [];
    public string? Mac { get; init; }
    public string? CniArgs { get; init; }
    public string ConfDir { get; init; } = "/etc/cni/net.d";
    public List<string> PluginDirs { get; init; } = [];
    public string CacheDir { get; init; } = ResultCache.DefaultDir;

    /// <summary>True when --plugin-dir or CNI_PATH chose the plugin directories (the demo has its own default).</summary>
    public bool PluginDirsGiven { get; init; }

    public static CnictlArgs Parse(IReadOnlyList<string> args, Func<string, string?> getenv)
    {
        if (args.Count == 0) throw new UsageException("missing command");
        var command = args[0];
        if (command is not ("add" or "check" or "del" or "gc" or "status" or "demo"))
            throw new UsageException($"unknown command \"{command}\"");
        var positional = new List<string>();
        var o = new Options(getenv);
        for (int i = 1; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(a);
                continue;
            }
            string name = a, value;
            int eq = a.IndexOf('=');
            if (eq > 0)
            {
                name = a[..eq];
                value = a[(eq + 1)..];
            }
            else
            {
                if (i + 1 >= args.Count) throw new UsageException($"{a} needs a value");
                value = args[++i];
            }
            o.Set(name, value);
        }
        int wanted = command switch { "add" or "check" or "del" => 2, "gc" or "status" => 1, _ => 0 };
        if (positional.Count != wanted)
            throw new UsageException(wanted switch
            {
                2 => $"{command} takes NETWORK NETNS",
                1 => $"{command} takes NETWORK only",
                _ => $"{command} takes no arguments",
            });
        return new CnictlArgs
        {
            Command = command,
            Network = wanted > 0 ? positional[0] : "",
            NetNs = wanted > 1 ? positional[1] : "",
            IfName = o.IfName,
            ContainerId = o.Id,
            Publish = o.Publish,
            Ips = o.Ips,
            Mac = o.Mac,
            CniArgs = o.CniArgs,
            ConfDir = o.ConfDir,
            PluginDirs = o.PluginDirs,
            PluginDirsGiven = o.PluginDirsGiven,
            CacheDir = o.CacheDir,
        };
    }

    /// <summary>NETNS as given: a path when it contains '/', else a name under /var/run/netns.</summary>
    public string NetNsPath => NetNs.Contains('/') ? NetNs : "/var/run/netns/" + NetNs;

    private sealed class Options(Func<string, string?> getenv)
    {
        public string IfName = "eth0";
        public string? Id, Mac, CniArgs = getenv("CNI_ARGS");
        public List<string> Publish = [], Ips = [];
        public string ConfDir = NonEmpty(getenv("NETCONFPATH")) ?? "/etc/cni/net.d";
        public string CacheDir = NonEmpty(getenv("CNI_CACHE_DIR")) ?? ResultCache.DefaultDir;
        public List<string> PluginDirs = Split(NonEmpty(getenv("CNI_PATH")) ?? "/opt/cni/bin");
        public bool PluginDirsGiven = NonEmpty(getenv("CNI_PATH")) is not null;

        public void Set(string name, string value)
        {
            switch (name)
            {
                case "--ifname": IfName = value; break;
                case "--id": Id = value; break;
                case "--publish": Publish.Add(value); break;
                case "--ip": Ips.Add(value); break;
                case "--mac": Mac = value; break;
                case "--args": CniArgs = value; break;
                case "--conf-dir": ConfDir = value; break;
                case "--cache-dir": CacheDir = value; break;
                case "--plugin-dir":
                    PluginDirs = Split(value);
                    PluginDirsGiven = true;
                    break;
                default: throw new UsageException($"unknown option {name}");
            }
        }

        private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

        private static List<string> Split(string s) => s.Split(':', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
