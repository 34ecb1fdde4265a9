using System.Diagnostics;
using Cni.Ipam.HostLocal;
using Cni.TestKit;

namespace Cni.Ipam.Tests;

/// <summary>
/// The real binary killed with SIGKILL at random moments during ADD; afterwards DEL (and GC) must leave an empty
/// store: no lease file, no torn file, no temp debris, no index entry.
/// </summary>
public class KillTests : IClassFixture<KillTests.Binary>
{
    private readonly Binary _bin;

    public KillTests(Binary bin) => _bin = bin;

    [Fact]
    public void Kill_during_add_then_del_and_gc_leave_an_empty_store()
    {
        Assert.SkipWhen(_bin.Path is null, "could not build host-local: " + _bin.Error);
        using var d = new TempDataDir();
        const string Ranges = """[[{"subnet":"10.30.0.0/24"}],[{"subnet":"fd30::/64"}]]""";
        var rng = new Random(7);
        var config = d.HostLocal(Ranges);
        for (int i = 0; i < 25; i++)
        {
            var id = "k" + i;
            var psi = new ProcessStartInfo(_bin.Path!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.Environment["CNI_COMMAND"] = "ADD";
            psi.Environment["CNI_CONTAINERID"] = id;
            psi.Environment["CNI_IFNAME"] = "eth0";
            psi.Environment["CNI_NETNS"] = "/var/run/netns/x";
            psi.Environment["CNI_NETNS_OVERRIDE"] = "1";
            psi.Environment["CNI_PATH"] = "/usr/lib/cni";
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(config);
            p.StandardInput.Close();
            Thread.Sleep(rng.Next(0, _bin.RunMs + 5));
            try { p.Kill(); } catch (InvalidOperationException) { }
            p.WaitForExit();
            // Whatever state the kill left, every lease file must be whole.
            foreach (var (name, content) in d.Leases())
                Assert.True(content is $"{"k"}0\r\neth0" || content.StartsWith('k') && content.EndsWith("\r\neth0"), $"torn lease {name}: '{content}'");
            if (i % 2 == 0) Plugin.InProc(new HostLocalPlugin(), "DEL", config, id).Ok();
        }
        var gc = $$$"""{"cniVersion":"1.1.0","name":"net1","type":"host-local","ipam":{"type":"host-local","dataDir":"{{{d.Path}}}","ranges":{{{Ranges}}}},"cni.dev/valid-attachments":[]}""";
        Plugin.InProc(new HostLocalPlugin(), "GC", gc).Ok();
        Plugin.InProc(new HostLocalPlugin(), "DEL", config, "k0").Ok();
        Assert.Empty(d.Leases());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(d.Net(), ".cni", "tmp")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(d.Net(), ".cni", "owners")));
    }

    /// <summary>out/bin/host-local if built, else a JIT publish into a temp dir (removed on dispose).</summary>
    public sealed class Binary : IDisposable
    {
        public string? Path { get; }
        public string? Error { get; }
        public int RunMs { get; } = 40;
        private readonly string? _tmp;

        public Binary()
        {
            var built = System.IO.Path.Combine(Repo.OutBin, "host-local");
            if (File.Exists(built)) { Path = built; RunMs = 10; return; }
            _tmp = Directory.CreateTempSubdirectory("cni-hl-bin-").FullName;
            var r = Sh.Run("dotnet", ["publish", System.IO.Path.Combine(Repo.Root, "cmd", "host-local"), "-c", "Release", "-r", "linux-x64",
                "-p:PublishAot=false", "--self-contained", "false", "-o", _tmp], timeoutMs: 300_000);
            if (r.ExitCode == 0) Path = System.IO.Path.Combine(_tmp, "host-local");
            else Error = r.Stdout + r.Stderr;
        }

        public void Dispose()
        {
            if (_tmp != null) Directory.Delete(_tmp, recursive: true);
        }
    }
}
