using System.Globalization;

namespace Cni.E2E.Tests;

/// <summary>
/// The podman configuration of one test run, all under its own directory: containers.conf (CNI backend with
/// our out/bin as the only plugin directory, runc, no systemd), storage.conf (vfs, no mounts to leak) and an
/// empty registries.conf. Podman reads them through CONTAINERS_CONF / CONTAINERS_STORAGE_CONF /
/// CONTAINERS_REGISTRIES_CONF (see <see cref="Environment"/>), so nothing in /etc is read or written.
/// </summary>
public sealed class PodmanConfig
{
    public string Dir { get; }
    public string ContainersConf => Path.Combine(Dir, "containers.conf");
    public string StorageConf => Path.Combine(Dir, "storage.conf");
    public string RegistriesConf => Path.Combine(Dir, "registries.conf");
    public string GraphRoot => Path.Combine(Dir, "root");
    public string RunRoot => Path.Combine(Dir, "runroot");
    public string TmpDir => Path.Combine(Dir, "tmp");

    /// <summary>Where podman writes the conflists of the networks it creates (never /etc/cni/net.d).</summary>
    public string NetworkConfigDir => Path.Combine(Dir, "net.d");

    public PodmanConfig(string dir) => Dir = dir;

    /// <summary>The variables that point podman at these files, for every podman process we start.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["CONTAINERS_CONF"] = ContainersConf,
        ["CONTAINERS_STORAGE_CONF"] = StorageConf,
        ["CONTAINERS_REGISTRIES_CONF"] = RegistriesConf,
    };

    /// <summary>The global flags every podman command gets, so CLI and service share one store.</summary>
    public string[] GlobalArgs => ["--root", GraphRoot, "--runroot", RunRoot, "--tmpdir", TmpDir];

    public void Write(string pluginDir)
    {
        foreach (var d in new[] { Dir, GraphRoot, RunRoot, TmpDir, NetworkConfigDir }) Directory.CreateDirectory(d);
        File.WriteAllText(ContainersConf, ContainersConfText(pluginDir));
        File.WriteAllText(StorageConf, $"""
            [storage]
            driver = "vfs"
            runroot = "{RunRoot}"
            graphroot = "{GraphRoot}"
            """ + "\n");
        // No registries at all: the only image is the one the fixture imports.
        File.WriteAllText(RegistriesConf, "");
    }

    private string ContainersConfText(string pluginDir)
    {
        var (nofile, nproc) = (Limit("Max open files"), Limit("Max processes"));
        return $"""
            [containers]
            # podman's defaults raise nofile/nproc to 1048576/4194304; this machine refuses to raise a hard
            # limit (EPERM from runc's setrlimit), while lowering one always works.
            default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]

            [engine]
            # crun cannot set rlimits here; runc can. No systemd: cgroupfs and a file event log.
            runtime = "runc"
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            events_logfile_path = "{Path.Combine(TmpDir, "events.log")}"
            # File locks in our tmp dir instead of the shared /dev/shm/libpod_lock segment.
            lock_type = "file"
            # Each API exec (Testcontainers' readiness probes, ExecAsync) leaves a conmon waiting this long before
            # its cleanup; the default 300 s would outlive the test run. 5 s is ample for the API's inspect.
            exit_command_delay = 5
            tmp_dir = "{TmpDir}"
            image_copy_tmp_dir = "{TmpDir}"
            static_dir = "{Path.Combine(GraphRoot, "libpod")}"
            volume_path = "{Path.Combine(GraphRoot, "volumes")}"

            [network]
            network_backend = "cni"
            cni_plugin_dirs = ["{pluginDir}"]
            network_config_dir = "{NetworkConfigDir}"
            """ + "\n";
    }

    /// <summary>This process's hard limit from /proc/self/limits, capped at 16384 (plenty for busybox).</summary>
    private static long Limit(string name)
    {
        const long cap = 16384;
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var fields = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var hard))
                return Math.Min(hard, cap);
        }
        return cap;
    }
}
