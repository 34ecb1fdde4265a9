using Cni.TestKit;

namespace Cni.Plugins.Tests;

/// <summary>
/// Every published binary links plugins/Shared/Native/cgroup_probe.c in place of the runtime's start-up cgroup
/// probe, which parsed all of /proc/self/mountinfo twice per start (a file that grows with every container
/// netns). Watched with strace: the binary never opens mountinfo, and still reads the memory limit of the
/// cgroup it runs in, which the test locates the authoritative way, from mountinfo.
/// </summary>
public sealed class StartupProbeTests
{
    [Theory]
    [InlineData("loopback")]
    [InlineData("bridge")]
    [InlineData("host-local")]
    public void StartupReadsTheOwnMemoryCgroupWithoutMountinfo(string plugin)
    {
        Requires.Binary("/usr/bin/strace", "traces which files a plugin opens at start-up; apt-get install strace");
        var bin = Repo.Plugin(plugin);
        var log = Path.Combine(Path.GetTempPath(), $"cni-startup-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var r = Sh.Run("strace", ["-f", "-qq", "-e", "trace=open,openat", "-o", log, bin],
                new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" }, "", clearEnv: true);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("supportedVersions", r.Stdout);
            var opened = File.ReadAllLines(log).Where(l => !l.Contains("= -1", StringComparison.Ordinal)).ToList();
            Assert.DoesNotContain(opened, l => l.Contains("/proc/self/mountinfo", StringComparison.Ordinal));
            var expected = MemoryCgroupDirectory();
            Assert.SkipWhen(expected is null, "this host has no memory cgroup under /sys/fs/cgroup for the runtime to read");
            Assert.Contains(opened, l => l.Contains($"\"{expected}/memory.", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>
    /// Every published binary is a fixed-address executable (ELF type EXEC, as Debian's reference plugins are):
    /// a position-independent one applied ~26,000 relocations, copying most data pages, at every start.
    /// </summary>
    [Fact]
    public void BinariesAreFixedAddressExecutables()
    {
        var binaries = Directory.GetFiles(Repo.OutBin);
        Assert.SkipWhen(binaries.Length == 0, "needs ./build.sh build (out/bin is empty)");
        foreach (var bin in binaries)
        {
            var header = new byte[18];
            using (var f = File.OpenRead(bin)) f.ReadExactly(header);
            Assert.True(header[16] == 2 && header[17] == 0, $"{Path.GetFileName(bin)}: ELF type {header[16]} (2 = EXEC, 3 = PIE)");
        }
    }

    /// <summary>
    /// The test's own memory cgroup directory (the plugin inherits it), found as the kernel describes it:
    /// the memory hierarchy's mount in mountinfo, and this process's path in it from /proc/self/cgroup.
    /// </summary>
    private static string? MemoryCgroupDirectory()
    {
        var v2 = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var sep = line.IndexOf(" - ", StringComparison.Ordinal);
            var pre = line[..sep].Split(' ');
            var post = line[(sep + 3)..].Split(' ');
            var (root, mount, fsType, options) = (pre[3], pre[4], post[0], post[2].Split(','));
            if (!mount.StartsWith("/sys/fs/cgroup", StringComparison.Ordinal)
                || !(v2 ? fsType == "cgroup2" && mount == "/sys/fs/cgroup" : fsType == "cgroup" && options.Contains("memory")))
            {
                continue;
            }
            var path = File.ReadLines("/proc/self/cgroup").Select(l => l.Split(':', 3))
                .Where(f => v2 ? f[0] == "0" : f[1].Split(',').Contains("memory")).Select(f => f[2]).FirstOrDefault();
            if (path is null)
            {
                return null;
            }
            if (root != "/" && (path == root || path.StartsWith(root + "/", StringComparison.Ordinal)))
            {
                path = path[root.Length..];
            }
            return (mount + path).TrimEnd('/');
        }
        return null;
    }
}
