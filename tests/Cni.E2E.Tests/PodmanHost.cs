using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Cni.TestKit;
using DotNet.Testcontainers.Configurations;

[assembly: AssemblyFixture(typeof(Cni.E2E.Tests.PodmanHost))]

namespace Cni.E2E.Tests;

/// <summary>
/// One podman (CNI backend, runc) serving the Docker-compatible API on a unix socket of its own, started once
/// for the test assembly. The service runs inside a throwaway network namespace (the e2e "host"), so every
/// bridge, veth, nft rule and published port it makes lands there and never on this machine. It is entered
/// with `nsenter --net` rather than `ip netns exec`, because the latter remounts /sys and so hides the cgroup
/// mounts that runc needs. All podman state lives in a temp dir; Dispose removes containers, networks, the
/// service, the namespace, lease dirs and cgroups, even when tests failed.
/// </summary>
public sealed class PodmanHost : IAsyncLifetime
{
    /// <summary>The plugins of podman's default CNI chain (bridge + host-local, portmap, firewall, tuning).</summary>
    public static readonly string[] ChainPlugins = ["bridge", "host-local", "portmap", "firewall", "tuning"];

    public const string Image = "localhost/cni-busybox:e2e";

    /// <summary>Where host-local keeps leases: podman's conflists set no dataDir, so the reference default.</summary>
    public const string LeaseRoot = "/var/lib/cni/networks";
    private const string CniCacheDir = "/var/lib/cni/results";
    private const string ImageCacheDir = "/var/lib/containers";

    private readonly string _tag = $"cnie2e-{Environment.ProcessId}";
    private readonly List<string> _networks = [];
    private readonly StringBuilder _serviceLog = new();
    private Process? _service;
    private bool _createdImageCache;
    /// <summary>Directories of the machine podman, runc or host-local create on first use; removed at the end
    /// when this run created them and they are empty again.</summary>
    private static readonly string[] s_sharedStateDirs = ["/var/lib/cni", "/run/runc"];
    private string[] _createdStateDirs = [];

    /// <summary>Why the tests cannot run on this machine (null when they can).</summary>
    public string? SkipReason { get; private set; }

    /// <summary>The e2e "host": the namespace podman, its bridge and its published ports live in.</summary>
    public TestNetns? HostNs { get; private set; }

    public PodmanConfig Config { get; }
    public string SocketPath => Path.Combine(Config.Dir, "podman.sock");
    public Uri Endpoint => new("unix://" + SocketPath);

    /// <summary>The cgroup every container (and its conmon) is put under, removed at the end.</summary>
    public string CgroupParent => "/" + _tag;

    public PodmanHost() => Config = new PodmanConfig(Path.Combine(Path.GetTempPath(), _tag));

    public async ValueTask InitializeAsync()
    {
        SkipReason = MissingPrerequisite();
        if (SkipReason != null) return;
        try
        {
            _createdImageCache = !Directory.Exists(ImageCacheDir);
            _createdStateDirs = [.. s_sharedStateDirs.Where(d => !Directory.Exists(d))];
            Config.Write(Repo.OutBin);
            HostNs = TestNetns.Create("podman");

            var tar = Path.Combine(Config.Dir, "rootfs.tar");
            BusyboxRootfs.WriteTar(tar);
            // Imported before the service starts, so the two never write the store at the same time.
            Podman("import", tar, Image).EnsureSuccess("podman import");
            File.Delete(tar);

            StartService();
            await WaitForSocket(TimeSpan.FromSeconds(60));

            // Testcontainers talks to our podman only: no Ryuk (podman has no privileged reaper image here, and
            // cleanup is ours), and DOCKER_HOST so its environment probing finds nothing else.
            Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
            Environment.SetEnvironmentVariable("DOCKER_HOST", Endpoint.ToString());
            TestcontainersSettings.ResourceReaperEnabled = false;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Skips the calling test when the machine cannot run podman e2e tests, naming what is missing.</summary>
    public void Require()
    {
        Requires.Root();
        Assert.SkipWhen(SkipReason != null, SkipReason ?? "");
        foreach (var p in ChainPlugins) Repo.Plugin(p);
    }

    private static string? MissingPrerequisite()
    {
        if (!Requires.IsRoot) return "needs root (podman with the CNI backend creates bridges, veths and nft rules)";
        foreach (var p in ChainPlugins)
            if (!File.Exists(Path.Combine(Repo.OutBin, p)))
                return $"needs {Path.Combine(Repo.OutBin, p)} (run ./build.sh first to build the NativeAOT plugins)";
        foreach (var (tool, pkg) in new[] { ("podman", "podman"), ("runc", "runc"), ("conmon", "conmon"),
                     ("nsenter", "util-linux"), ("nft", "nftables"), ("ip", "iproute2") })
            if (Which(tool) == null) return $"needs {tool} (apt-get install {pkg}; ./build.sh test installs it)";
        if (!BusyboxRootfs.IsStaticElf(BusyboxRootfs.BusyboxPath))
            return $"needs a statically linked {BusyboxRootfs.BusyboxPath} for the test image (apt-get install busybox-static)";
        return null;
    }

    private static string? Which(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>Runs the podman CLI against the fixture's store, inside the e2e host namespace.</summary>
    public ExecResult Podman(params string[] args)
    {
        var ns = HostNs ?? throw new InvalidOperationException("the podman host namespace does not exist");
        return Sh.Run("nsenter", ["--net=" + ns.Path, "--", "podman", .. Config.GlobalArgs, .. args], Config.Environment,
            timeoutMs: 120_000);
    }

    private void StartService()
    {
        var psi = new ProcessStartInfo("nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["--net=" + HostNs!.Path, "--", "podman", .. Config.GlobalArgs,
                     "system", "service", "--time=0", Endpoint.ToString()])
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in Config.Environment) psi.Environment[k] = v;
        _service = Process.Start(psi) ?? throw new InvalidOperationException("cannot start podman system service");
        _service.OutputDataReceived += (_, e) => { lock (_serviceLog) _serviceLog.AppendLine(e.Data); };
        _service.ErrorDataReceived += (_, e) => { lock (_serviceLog) _serviceLog.AppendLine(e.Data); };
        _service.BeginOutputReadLine();
        _service.BeginErrorReadLine();
    }

    /// <summary>The service's log so far (attached to failure messages).</summary>
    public string ServiceLog { get { lock (_serviceLog) return _serviceLog.ToString(); } }

    private async Task WaitForSocket(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "socket not created";
        while (DateTime.UtcNow < deadline)
        {
            if (_service!.HasExited)
                throw new InvalidOperationException($"podman system service exited with {_service.ExitCode}: {ServiceLog}");
            if (File.Exists(SocketPath))
            {
                try
                {
                    if (await Ping() is var reply && reply.StartsWith("HTTP/1.1 200", StringComparison.Ordinal)) return;
                    last = "ping answered: " + reply;
                }
                catch (SocketException e) { last = e.Message; }
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"podman service at {SocketPath} not ready in {timeout}: {last}; log: {ServiceLog}");
    }

    private async Task<string> Ping()
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await s.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        await s.SendAsync(Encoding.ASCII.GetBytes("GET /_ping HTTP/1.1\r\nHost: podman\r\nConnection: close\r\n\r\n"));
        var buf = new byte[4096];
        int n = await s.ReceiveAsync(buf);
        return Encoding.ASCII.GetString(buf, 0, n);
    }

    /// <summary>Remembers a network so the final sweep removes it and its lease dir even if the test did not.</summary>
    public void Track(string network) { lock (_networks) _networks.Add(network); }

    /// <summary>A unique network name for this run.</summary>
    public string NewNetworkName()
    {
        lock (_networks) return $"{_tag}-{_networks.Count + 1}";
    }

    /// <summary>Removes the lease dir and libcni cache entries podman's CNI calls left for <paramref name="network"/>.</summary>
    public static void RemoveCniState(string network)
    {
        var leases = Path.Combine(LeaseRoot, network);
        if (Directory.Exists(leases)) Directory.Delete(leases, recursive: true);
        if (Directory.Exists(CniCacheDir))
            foreach (var f in Directory.EnumerateFileSystemEntries(CniCacheDir, network + "-*"))
                File.Delete(f);
    }

    public ValueTask DisposeAsync()
    {
        var errors = new List<string>();
        void Try(string what, Action a)
        {
            try { a(); }
            catch (Exception e) { errors.Add($"{what}: {e.Message}"); }
        }

        if (HostNs != null)
        {
            // Containers first (their CNI DEL runs in the namespace), then our networks; the CLI works on the
            // store whether or not the service still runs.
            Try("podman rm", () => Podman("rm", "--all", "--force", "--time", "0").EnsureSuccess("podman rm --all"));
            string[] nets;
            lock (_networks) nets = [.. _networks];
            foreach (var n in nets) Try("podman network rm " + n, () => Podman("network", "rm", "--force", n));
        }
        if (_service != null)
        {
            Try("stop service", () =>
            {
                if (!_service.HasExited)
                {
                    Sh.Run("kill", "-TERM", _service.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (!_service.WaitForExit(15_000)) _service.Kill(entireProcessTree: true);
                }
                _service.WaitForExit();
            });
            _service.Dispose();
            _service = null;
        }
        HostNs?.Dispose();
        HostNs = null;

        Try("leftover conmons", KillCgroupMembers);
        Try("cgroups", RemoveCgroups);
        string[] all;
        lock (_networks) all = [.. _networks];
        foreach (var n in all) Try("lease dir " + n, () => RemoveCniState(n));
        foreach (var d in _createdStateDirs) Try(d, () => RemoveIfEmpty(d));
        if (_createdImageCache) Try("image cache", RemoveImageCache);
        Try("temp dir", () => { if (Directory.Exists(Config.Dir)) Directory.Delete(Config.Dir, recursive: true); });
        if (errors.Count > 0) throw new InvalidOperationException("e2e cleanup incomplete: " + string.Join("; ", errors));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Removes the empty directories of a tree we created, deepest first, one rmdir each: a directory someone
    /// else (another podman user on this machine) has put a file in meanwhile stays, without a race.
    /// </summary>
    private static void RemoveIfEmpty(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var d in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories)
                     .OrderByDescending(d => d.Length).Append(dir))
        {
            try { Directory.Delete(d); }
            catch (IOException) { } // not empty: in use
        }
    }

    /// <summary>
    /// `podman import` records blob digests in /var/lib/containers/cache (containers/image puts it there for
    /// root whatever --root says). When this run created that directory and nothing else is in it, it goes.
    /// </summary>
    private static void RemoveImageCache()
    {
        var cache = Path.Combine(ImageCacheDir, "cache", "blob-info-cache-v1.boltdb");
        if (!Directory.Exists(ImageCacheDir)) return;
        var files = Directory.EnumerateFiles(ImageCacheDir, "*", SearchOption.AllDirectories).ToArray();
        if (files.Length == 1 && files[0] == cache) File.Delete(cache);
        RemoveIfEmpty(ImageCacheDir);
    }

    /// <summary>
    /// Kills (by pid) whatever still runs in our cgroup parent: only conmons of podman exec sessions can be
    /// there, waiting out exit_command_delay. Killed, they never run their exit command, which would otherwise
    /// recreate our store under the temp dir after it was removed.
    /// </summary>
    private void KillCgroupMembers()
    {
        var mine = OurCgroups();
        if (mine.Length == 0) return;
        for (int round = 0; round < 50; round++)
        {
            // Every hierarchy: which controllers a process is placed in depends on the cgroup layout.
            var pids = mine.SelectMany(m => Directory.EnumerateFiles(m, "cgroup.procs", SearchOption.AllDirectories))
                .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(int.Parse).Distinct().ToArray();
            if (pids.Length == 0) return;
            foreach (var pid in pids)
            {
                try
                {
                    using var p = Process.GetProcessById(pid);
                    p.Kill();
                }
                catch (ArgumentException) { } // already gone
                catch (InvalidOperationException) { }
            }
            Thread.Sleep(100);
        }
        throw new InvalidOperationException("processes keep running in cgroup " + string.Join(", ", mine));
    }

    /// <summary>Removes our cgroup parent in every mounted hierarchy, deepest first (rmdir of empty cgroups).</summary>
    private void RemoveCgroups()
    {
        var dirs = new List<string>();
        foreach (var mine in OurCgroups())
        {
            dirs.AddRange(Directory.EnumerateDirectories(mine, "*", SearchOption.AllDirectories));
            dirs.Add(mine);
        }
        foreach (var d in dirs.OrderByDescending(d => d.Length)) Directory.Delete(d);
    }

    /// <summary>Our cgroup parent in each mounted hierarchy (v1 controllers, v1 named, v2 unified or pure v2).</summary>
    private string[] OurCgroups()
    {
        const string root = "/sys/fs/cgroup";
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateDirectories(root).Append(root)
            .Select(h => Path.Combine(h, _tag)).Where(Directory.Exists).ToArray();
    }
}
