using System.Text.Json;
using Cni.Plugins.Tests.Bridge;
using Cni.Sdk;
using Cni.TestKit;

namespace Cni.Plugins.Tests;

/// <summary>
/// When CNI_PATH's host-local is our own binary (its ELF identity note), bridge, macvlan, ipvlan and vxlan run
/// it in-process; anything else under that name is executed. Checked on the published binaries: which one is
/// recognised, that no process is started (strace), and that both paths give the same results, errors and
/// lease files.
/// </summary>
public sealed class InProcessIpamTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cni-inproc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void OnlyOurBinaryOfThatNameAndVersionIsRecognised()
    {
        Assert.True(InProcessIpam.IsOurBinary(Repo.Plugin("host-local"), "host-local"));
        Assert.True(InProcessIpam.IsOurBinary(Repo.Plugin("static"), "static"));
        Assert.True(InProcessIpam.IsOurBinary(Repo.Plugin("bridge"), "bridge"));
        Assert.False(InProcessIpam.IsOurBinary(Repo.Plugin("bridge"), "host-local")); // ours, but another plugin

        var script = Path.Combine(_dir, "host-local");
        File.WriteAllText(script, $"#!/bin/sh\nexec {Repo.Plugin("host-local")} \"$@\"\n");
        Assert.False(InProcessIpam.IsOurBinary(script, "host-local"));
        var truncated = Path.Combine(_dir, "truncated");
        File.WriteAllBytes(truncated, File.ReadAllBytes(Repo.Plugin("host-local"))[..200]);
        Assert.False(InProcessIpam.IsOurBinary(truncated, "host-local"));
        Assert.False(InProcessIpam.IsOurBinary(Path.Combine(_dir, "missing"), "host-local"));
        if (File.Exists("/usr/lib/cni/host-local"))
            Assert.False(InProcessIpam.IsOurBinary("/usr/lib/cni/host-local", "host-local")); // the reference (Go)
    }

    /// <summary>Whatever sits in CNI_PATH under the name, a header pointing anywhere is "not ours", never an exception.</summary>
    [Theory]
    [InlineData(0xFFFF_FFFF_FFFF_FFF0UL, 0UL, 0UL)]        // program headers past the end (the offset wraps)
    [InlineData(64UL, 0xFFFF_FFFF_FFFF_FF00UL, 0x200UL)]   // a note segment whose offset + size wraps
    [InlineData(64UL, 100UL, 0xFFFF_FFFF_FFFF_FFFFUL)]     // a note segment larger than the file
    public void HostileElfHeadersAreNotOurs(ulong phoff, ulong noteOffset, ulong noteSize)
    {
        var image = new byte[4096];
        image[0] = 0x7f; image[1] = (byte)'E'; image[2] = (byte)'L'; image[3] = (byte)'F'; image[4] = 2; image[5] = 1;
        BitConverter.TryWriteBytes(image.AsSpan(32), phoff);
        BitConverter.TryWriteBytes(image.AsSpan(54), (ushort)56);
        BitConverter.TryWriteBytes(image.AsSpan(56), (ushort)1);
        BitConverter.TryWriteBytes(image.AsSpan(64), 4u); // PT_NOTE
        BitConverter.TryWriteBytes(image.AsSpan(64 + 8), noteOffset);
        BitConverter.TryWriteBytes(image.AsSpan(64 + 32), noteSize);
        var file = Path.Combine(_dir, "host-local");
        File.WriteAllBytes(file, image);
        Assert.False(InProcessIpam.IsOurBinary(file, "host-local"));
    }

    /// <summary>
    /// The bridge binary with our host-local in CNI_PATH starts no process for IPAM, ADD and DEL alike; with the
    /// reference host-local there it executes it; both leave the reference's lease layout.
    /// </summary>
    [Fact]
    public void OurHostLocalRunsInProcessAndTheReferenceAsAProcess()
    {
        Requires.Binary("/usr/bin/strace", "counts the processes a plugin starts; apt-get install strace");
        Requires.Binary("/usr/lib/cni/host-local", "the reference host-local (containernetworking-plugins)");
        using var lab = new BridgeLab(needOurIpam: true);
        var conf = lab.Conf("", lab.HostLocal("10.62.0.0/24"), version: "1.0.0"); // the reference stops at 1.0.0

        foreach (var (cniPath, inProcess, id) in new[] { (Repo.OutBin, true, "ours"), ("/usr/lib/cni", false, "ref") })
        {
            var c = lab.NewContainer();
            var (add, addExecs) = Traced(lab, "ADD", id, c, conf, cniPath);
            Assert.True(add.ExitCode == 0, add.Stdout + add.Stderr);
            var result = JsonDocument.Parse(add.Stdout).RootElement;
            var ip = BridgeLab.Address(result);
            Assert.StartsWith("10.62.0.", ip);
            Assert.Contains(ip.Split('/')[0], lab.Leases());
            Assert.Equal(inProcess ? 0 : 1, addExecs.Count(e => e.EndsWith("/host-local", StringComparison.Ordinal)));

            var (del, delExecs) = Traced(lab, "DEL", id, c, BridgeLab.WithPrev(conf, result), cniPath);
            Assert.True(del.ExitCode == 0, del.Stdout + del.Stderr);
            Assert.DoesNotContain(ip.Split('/')[0], lab.Leases());
            Assert.Equal(inProcess ? 0 : 1, delExecs.Count(e => e.EndsWith("/host-local", StringComparison.Ordinal)));
        }
        Assert.Empty(lab.HostLinks("veth"));
    }

    /// <summary>
    /// In-process and executed runs of our own host-local answer alike: a wrapper script under the name is not
    /// our binary, so it is executed (and execs ours). Same addresses and routes on success, the same error
    /// bytes on failure, and nothing left behind by the failed ADD.
    /// </summary>
    [Fact]
    public void InProcessAndExecutedRunsGiveTheSameResultsAndErrors()
    {
        var wrapperDir = Path.Combine(_dir, "wrapped");
        Directory.CreateDirectory(wrapperDir);
        var script = Path.Combine(wrapperDir, "host-local");
        File.WriteAllText(script, $"#!/bin/sh\nexec {Repo.Plugin("host-local")} \"$@\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var bin = Repo.Plugin("bridge");
        using var lab = new BridgeLab(needOurIpam: true);

        ExecResult Run(string cmd, string id, TestNetns c, string conf, string cniPath) => lab.Host.Exec(bin, [], new Dictionary<string, string?>
        {
            ["CNI_COMMAND"] = cmd, ["CNI_CONTAINERID"] = id, ["CNI_NETNS"] = c.Path, ["CNI_IFNAME"] = "eth0", ["CNI_PATH"] = cniPath,
        }, conf);

        // Success: two networks with the same range, one per path; the allocations must match.
        JsonElement Ok(string network, string cniPath)
        {
            var conf = lab.Conf("\"isDefaultGateway\":true", lab.HostLocal("10.63.0.0/24"), name: network);
            var r = Run("ADD", "same", lab.NewContainer(), conf, cniPath);
            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
            return JsonDocument.Parse(r.Stdout).RootElement.Clone();
        }
        var inProcess = Ok("netin", Repo.OutBin);
        var executed = Ok("netex", wrapperDir);
        Assert.Equal(inProcess.GetProperty("ips").GetRawText(), executed.GetProperty("ips").GetRawText());
        Assert.Equal(inProcess.GetProperty("routes").GetRawText(), executed.GetProperty("routes").GetRawText());

        // Failure: a range host-local refuses. Same code and message ("host-local: ..."), and the ADD rolled back.
        var bad = lab.Conf("", """{"type":"host-local","ranges":[[{"subnet":"10.64.0.0/33"}]]}""", name: "netbad");
        var c = lab.NewContainer();
        var veths = lab.HostLinks("veth").Count;
        var e1 = Run("ADD", "bad", c, bad, Repo.OutBin);
        var e2 = Run("ADD", "bad", c, bad, wrapperDir);
        Assert.Equal(1, e1.ExitCode);
        Assert.Equal(e2.Stdout, e1.Stdout);
        Assert.Equal(e2.ExitCode, e1.ExitCode);
        Assert.Contains("\"msg\":\"host-local: ", e1.Stdout);
        Assert.Equal(veths, lab.HostLinks("veth").Count);
    }

    private (ExecResult Result, List<string> Execs) Traced(BridgeLab lab, string cmd, string id, TestNetns c, string conf, string cniPath)
    {
        var log = Path.Combine(_dir, $"{id}-{cmd}.strace");
        var r = lab.Host.Exec("strace", ["-f", "-qq", "-e", "trace=execve", "-o", log, Repo.Plugin("bridge")], new Dictionary<string, string?>
        {
            ["CNI_COMMAND"] = cmd, ["CNI_CONTAINERID"] = id, ["CNI_NETNS"] = c.Path, ["CNI_IFNAME"] = "eth0", ["CNI_PATH"] = cniPath,
        }, conf);
        var execs = File.ReadAllLines(log).Where(l => l.Contains("execve(\"", StringComparison.Ordinal) && !l.Contains("= -1", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("execve(\"", StringComparison.Ordinal) + 8)..].Split('"')[0]).ToList();
        return (r, execs);
    }
}
