using Cni.Runtime.Demo;
using Cni.Sdk;

namespace Cni.Runtime.Cli;

/// <summary>
/// cnictl's commands over <see cref="CniRuntime"/>: what cnitool does, plus capability options, GC with the
/// valid list taken from the cache, and the demo. Exit status: 0; the plugin's CNI error code when it is 1-125
/// (999 and others: 1); 2 for a bad command line.
/// </summary>
public static class Cnictl
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        CnictlArgs args;
        try
        {
            args = CnictlArgs.Parse(argv, Environment.GetEnvironmentVariable);
        }
        catch (UsageException e)
        {
            stderr.WriteLine("cnictl: " + e.Message);
            stderr.WriteLine(CnictlArgs.Usage);
            return 2;
        }
        try
        {
            return args.Command == "demo" ? DemoRunner.Run(args, stdout) : RunCommand(args, stdout, stderr);
        }
        catch (UsageException e)
        {
            stderr.WriteLine("cnictl: " + e.Message);
            return 2;
        }
        catch (CniException e)
        {
            stderr.WriteLine($"cnictl {args.Command}: {e.Message} (code {(uint)e.Code})");
            if (e.Details is not null) stderr.WriteLine("  details: " + e.Details);
            return ExitStatus(e.Code);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException or InvalidOperationException)
        {
            stderr.WriteLine($"cnictl {args.Command}: {e.Message}");
            return 1;
        }
    }

    /// <summary>Exit statuses above 125 mean "killed by a signal" to shells, so large codes (999) become 1.</summary>
    public static int ExitStatus(CniErrorCode code) => (uint)code is >= 1 and <= 125 ? (int)code : 1;

    private static int RunCommand(CnictlArgs args, TextWriter stdout, TextWriter stderr)
    {
        var list = ConfLoader.Load(args.ConfDir, args.Network);
        var runtime = new CniRuntime(args.PluginDirs, args.CacheDir) { PluginStderr = stderr };
        switch (args.Command)
        {
            case "add":
                var result = runtime.Add(list, Attachment(args));
                stdout.WriteLine(RuntimeJson.ToPrettyString(result));
                break;
            case "check":
                runtime.Check(list, Attachment(args));
                break;
            case "del":
                runtime.Del(list, Attachment(args));
                break;
            case "gc":
                runtime.Gc(list, ValidAttachments(runtime, list));
                break;
            case "status":
                runtime.Status(list);
                break;
        }
        return 0;
    }

    private static RuntimeConf Attachment(CnictlArgs args) => new()
    {
        ContainerId = args.ContainerId ?? CapabilityArgs.ContainerIdFor(args.NetNs),
        NetNs = args.NetNsPath,
        IfName = args.IfName,
        Args = CapabilityArgs.ParseCniArgs(args.CniArgs),
        CapabilityArgs = CapabilityArgs.Build(args.Publish, args.Ips, args.Mac),
    };

    /// <summary>
    /// cnictl has no container database, so an attachment counts as valid while its cache entry exists and its
    /// netns is still there; entries whose netns vanished are the stale ones GC deletes.
    /// </summary>
    public static List<Attachment> ValidAttachments(CniRuntime runtime, NetworkConfigList list)
        => runtime.Cache.List()
            .Where(a => a.NetworkName == list.Name && a.NetNs.Length > 0 && File.Exists(a.NetNs))
            .Select(a => new Attachment(a.ContainerId, a.IfName))
            .ToList();
}
