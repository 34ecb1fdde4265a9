using System.Runtime.InteropServices;
using System.Text;

namespace Cni.Linux.Tests.Startup;

/// <summary>
/// plugins/Shared/Native/cgroup_probe.c, the start-up cgroup probe every plugin binary links instead of the
/// runtime's mountinfo parser: built here as a shared library, run against fake /proc/self/cgroup files and
/// cgroup trees, and asked through the very entry points the runtime calls. (The test class's methods run one
/// at a time: the probe keeps process-wide state, as in a plugin.)
/// </summary>
public sealed partial class CgroupProbeTests : IDisposable
{
    private const string Lib = "cgroup_probe_test";

    [LibraryImport(Lib, EntryPoint = "cni_cgroup_probe_test", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int ProbeTest(string procCgroup, string sysfsCgroup, int version, byte* memoryOut, byte* cpuOut, nuint size);

    [LibraryImport(Lib, EntryPoint = "_Z32GetRestrictedPhysicalMemoryLimitv")]
    private static partial nuint GetRestrictedPhysicalMemoryLimit();

    [LibraryImport(Lib, EntryPoint = "_Z21GetPhysicalMemoryUsedPm")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool GetPhysicalMemoryUsed(out nuint used);

    [LibraryImport(Lib, EntryPoint = "_Z11GetCpuLimitPj")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool GetCpuLimit(out uint cpus);

    private readonly string _root = Directory.CreateTempSubdirectory("cni-cgprobe-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Sys => Path.Combine(_root, "sys");

    private void Write(string relative, string content)
    {
        var path = Path.Combine(Sys, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private void Dir(string relative) => Directory.CreateDirectory(Path.Combine(Sys, relative));

    private unsafe (string Memory, string Cpu) Probe(int version, string procCgroup)
    {
        var file = Path.Combine(_root, "cgroup");
        File.WriteAllText(file, procCgroup);
        Directory.CreateDirectory(Sys);
        var memory = new byte[4096];
        var cpu = new byte[4096];
        fixed (byte* m = memory)
        fixed (byte* c = cpu)
        {
            Assert.Equal(version, ProbeTest(file, Sys, version, m, c, 4096));
        }
        static string Str(byte[] b) => Encoding.UTF8.GetString(b, 0, Array.IndexOf(b, (byte)0));
        return (Str(memory), Str(cpu));
    }

    private static ulong PhysicalMemory()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return ulong.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    [Fact]
    public void V2TheSmallestLimitOnThePathToTheMountWins()
    {
        Dir("kubepods/pod1/c1");
        Write("kubepods/memory.max", "536870912\n");
        Write("kubepods/pod1/memory.max", "268435456\n");
        Write("kubepods/pod1/c1/memory.max", "max\n");
        Write("kubepods/pod1/cpu.max", "max 100000\n");
        Write("kubepods/pod1/c1/cpu.max", "150000 100000\n");

        var (memory, cpu) = Probe(2, "0::/kubepods/pod1/c1\n");

        Assert.Equal(Path.Combine(Sys, "kubepods/pod1/c1"), memory);
        Assert.Equal(memory, cpu);
        Assert.Equal(Math.Min(268435456UL, PhysicalMemory()), (ulong)GetRestrictedPhysicalMemoryLimit());
        Assert.True(GetCpuLimit(out var cpus));
        Assert.Equal(2u, cpus); // 1.5 CPUs round up
    }

    [Fact]
    public void V2UnlimitedEverywhereIsNoLimit()
    {
        Write("a/memory.max", "max\n");
        Write("a/cpu.max", "max 100000\n");
        Probe(2, "0::/a\n");
        Assert.Equal(0u, (ulong)GetRestrictedPhysicalMemoryLimit());
        Assert.False(GetCpuLimit(out _));
    }

    [Fact]
    public void V2ContainerWithoutCgroupNamespaceFindsItsCgroupAtTheMountPoint()
    {
        // /proc/self/cgroup names the host path, but the mount shows the container's cgroup as its root: the
        // leading components that do not exist under the mount are dropped, down to the mount itself.
        Write("memory.max", "104857600\n");
        Write("cpu.max", "50000 100000\n");

        var (memory, _) = Probe(2, "0::/system.slice/docker-abc.scope\n");

        Assert.Equal(Sys, memory);
        Assert.Equal(Math.Min(104857600UL, PhysicalMemory()), (ulong)GetRestrictedPhysicalMemoryLimit());
        Assert.True(GetCpuLimit(out var cpus));
        Assert.Equal(1u, cpus); // never fewer than one
    }

    [Fact]
    public void LeadingComponentsAreDroppedOnlyUntilTheDirectoryExists()
    {
        Write("sub/memory.max", "209715200\n");
        var (memory, _) = Probe(2, "0::/docker/abc/sub\n");
        Assert.Equal(Path.Combine(Sys, "sub"), memory);
        Assert.Equal(Math.Min(209715200UL, PhysicalMemory()), (ulong)GetRestrictedPhysicalMemoryLimit());
    }

    [Fact]
    public void V2MemoryUsedIsUsageMinusInactiveFilePages()
    {
        Write("a/memory.current", "50000000\n");
        Write("a/memory.stat", "anon 1000\nfile 2000\ninactive_file 10000000\nactive_file 5\n");
        Probe(2, "0::/a\n");
        Assert.True(GetPhysicalMemoryUsed(out var used));
        Assert.Equal(40000000u, (ulong)used);
    }

    [Fact]
    public void V1HierarchicalMemoryLimitAndCoMountedCpuControllers()
    {
        // memory.use_hierarchy=1: the kernel's hierarchical_memory_limit in memory.stat is the limit. The cpu
        // controller is co-mounted with cpuacct and there is no "cpu" link, so the list's directory is used.
        Write("memory/process_api/x/memory.use_hierarchy", "1\n");
        Write("memory/process_api/x/memory.limit_in_bytes", "9223372036854771712\n");
        Write("memory/process_api/x/memory.stat", "cache 1\ntotal_inactive_file 7\nhierarchical_memory_limit 104857600\n");
        Write("memory/process_api/x/memory.usage_in_bytes", "1000\n");
        Write("cpu,cpuacct/a/cpu.cfs_quota_us", "250000\n");
        Write("cpu,cpuacct/a/cpu.cfs_period_us", "100000\n");
        Write("cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
        Write("cpu,cpuacct/cpu.cfs_period_us", "100000\n");

        var (memory, cpu) = Probe(1, "9:name=systemd:/\n4:memory:/process_api/x\n2:cpu,cpuacct:/a\n0::/\n");

        Assert.Equal(Path.Combine(Sys, "memory/process_api/x"), memory);
        Assert.Equal(Path.Combine(Sys, "cpu,cpuacct/a"), cpu);
        Assert.Equal(Math.Min(104857600UL, PhysicalMemory()), (ulong)GetRestrictedPhysicalMemoryLimit());
        Assert.True(GetPhysicalMemoryUsed(out var used));
        Assert.Equal(993u, (ulong)used);
        Assert.True(GetCpuLimit(out var cpus));
        Assert.Equal(3u, cpus);
    }

    [Fact]
    public void V1WithoutHierarchyReadsLimitInBytesAndTheUnlimitedValueIsNoLimit()
    {
        Write("memory/u/memory.use_hierarchy", "0\n");
        Write("memory/u/memory.limit_in_bytes", "9223372036854771712\n");
        Write("cpu/cpu.cfs_quota_us", "-1\n");
        Write("cpu/cpu.cfs_period_us", "100000\n");
        var (memory, cpu) = Probe(1, "4:memory:/u\n1:cpu:/\n");
        Assert.Equal(Path.Combine(Sys, "memory/u"), memory);
        Assert.Equal(Path.Combine(Sys, "cpu"), cpu);
        Assert.Equal(0u, (ulong)GetRestrictedPhysicalMemoryLimit());
        Assert.False(GetCpuLimit(out _));

        File.WriteAllText(Path.Combine(Sys, "memory/u/memory.limit_in_bytes"), "67108864\n");
        Assert.Equal(Math.Min(67108864UL, PhysicalMemory()), (ulong)GetRestrictedPhysicalMemoryLimit());
    }

    [Fact]
    public void NoCgroupForTheControllerMeansNoLimitAndTheResidentSetAsMemoryUsed()
    {
        var (memory, cpu) = Probe(1, "9:name=systemd:/\n8:pids:/\n");
        Assert.Equal("", memory);
        Assert.Equal("", cpu);
        Assert.Equal(0u, (ulong)GetRestrictedPhysicalMemoryLimit());
        Assert.False(GetCpuLimit(out _));
        Assert.True(GetPhysicalMemoryUsed(out var used));
        Assert.InRange((ulong)used, 1024UL * 1024, 64UL * 1024 * 1024 * 1024); // this test host's RSS
    }
}
