using System.Net;
using Cni.Ipam.HostLocal;

namespace Cni.Ipam.Tests;

/// <summary>The disk store and the plugin in a temp dataDir: files on disk are what is asserted.</summary>
public class HostLocalStoreTests
{
    private static readonly HostLocalPlugin P = new();
    private const string V4 = """[[{"subnet":"10.9.0.0/24"}]]""";

    [Fact]
    public void Add_writes_reference_format_lease_files_and_del_removes_them()
    {
        using var d = new TempDataDir();
        var r = Plugin.InProc(P, "ADD", d.HostLocal("""[[{"subnet":"10.9.0.0/24"}],[{"subnet":"fd00::/64"}]]"""), "ctr1").Ok();
        Assert.Equal(["10.9.0.2/24", "fd00::2/64"], r.Addresses);
        Assert.False(r.Json.TryGetProperty("interfaces", out _));
        var leases = d.Leases();
        Assert.Equal("ctr1\r\neth0", leases["10.9.0.2"]);
        Assert.Equal("ctr1\r\neth0", leases["fd00::2"]);
        Assert.Equal("10.9.0.2", File.ReadAllText(Path.Combine(d.Net(), "last_reserved_ip.0")));
        Assert.True(File.Exists(Path.Combine(d.Net(), "lock")));
        Plugin.InProc(P, "DEL", d.HostLocal(V4), "ctr1").Ok();
        Assert.Empty(d.Leases());
        Plugin.InProc(P, "DEL", d.HostLocal(V4), "ctr1").Ok(); // idempotent
    }

    [Fact]
    public void Routes_dns_and_requested_ip_from_cni_args()
    {
        using var d = new TempDataDir();
        var resolv = Path.Combine(d.Path, "resolv.conf");
        File.WriteAllText(resolv, "# c\nnameserver 10.0.0.53\ndomain example\nsearch a b\noptions ndots:2\n");
        var r = Plugin.InProc(P, "ADD", d.HostLocal(V4, $$$""","routes":[{"dst":"0.0.0.0/0"},{"dst":"10.8.0.0/16","gw":"10.9.0.254"}],"resolvConf":"{{{resolv}}}" """),
            cniArgs: "IgnoreUnknown=1;K8S_POD_NAME=p;IP=10.9.0.77").Ok();
        Assert.Equal(["10.9.0.77/24"], r.Addresses);
        Assert.Equal(2, r.Json.GetProperty("routes").GetArrayLength());
        var dns = r.Json.GetProperty("dns");
        Assert.Equal("10.0.0.53", dns.GetProperty("nameservers")[0].GetString());
        Assert.Equal(2, dns.GetProperty("search").GetArrayLength());
    }

    [Fact]
    public void Requested_ip_outside_ranges_is_error_7_and_leaves_nothing()
    {
        using var d = new TempDataDir();
        var r = Plugin.InProc(P, "ADD", d.HostLocal(V4, top: ""","runtimeConfig":{"ips":["10.7.0.5/24"]}"""));
        Assert.Equal(7, r.ErrorCode);
        Assert.Empty(d.Leases());
    }

    [Fact]
    public void Network_name_that_is_not_a_directory_name_is_error_7_and_creates_nothing()
    {
        using var d = new TempDataDir();
        Assert.Equal(7, Plugin.InProc(P, "ADD", d.HostLocal(V4, name: "..")).ErrorCode);
        Assert.Equal(7, Plugin.InProc(P, "ADD", d.HostLocal(V4, name: "a/b")).ErrorCode);
        Assert.Equal(7, Assert.Throws<Cni.Sdk.CniException>(() => DiskIpStore.Open(d.Path, "..", TimeSpan.FromSeconds(1))).Code is var c ? (int)c : 0);
        Assert.Empty(Directory.EnumerateFileSystemEntries(d.Path));
    }

    [Fact]
    public void Check_compares_the_lease_with_prevResult()
    {
        using var d = new TempDataDir();
        var add = Plugin.InProc(P, "ADD", d.HostLocal(V4), "ctr1").Ok();
        string Prev(string addr) => d.HostLocal(V4, top: $$$""","prevResult":{"cniVersion":"1.0.0","ips":[{"address":"{{{addr}}}"}]}""");
        Plugin.InProc(P, "CHECK", Prev(add.Addresses[0]), "ctr1").Ok();
        Assert.NotEqual(0, Plugin.InProc(P, "CHECK", Prev("10.9.0.99/24"), "ctr1").ExitCode);
        Assert.NotEqual(0, Plugin.InProc(P, "CHECK", Prev(add.Addresses[0]), "other").ExitCode);
        Plugin.InProc(P, "DEL", d.HostLocal(V4), "ctr1").Ok();
        Assert.NotEqual(0, Plugin.InProc(P, "CHECK", Prev(add.Addresses[0]), "ctr1").ExitCode);
    }

    [Fact]
    public void Gc_releases_only_stale_leases_of_this_network()
    {
        using var d = new TempDataDir();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "a").Ok();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "b").Ok();
        Plugin.InProc(P, "ADD", d.HostLocal(V4, name: "other"), "b").Ok();
        File.WriteAllText(Path.Combine(d.Net(), "10.9.0.200"), "legacy-a"); // id-only lease of an old reference
        File.WriteAllText(Path.Combine(d.Net(), "10.9.0.201"), "legacy-gone");
        string Gc(string valid) => $$$"""{"cniVersion":"1.1.0","name":"net1","type":"host-local","ipam":{"type":"host-local","dataDir":"{{{d.Path}}}","ranges":{{{V4}}}},"cni.dev/valid-attachments":{{{valid}}}}""";
        Plugin.InProc(P, "GC", Gc("""[{"containerID":"a","ifname":"eth0"},{"containerID":"legacy-a","ifname":"eth1"}]""")).Ok();
        Assert.Equal(["10.9.0.2", "10.9.0.200"], d.Leases().Keys.Order());
        Assert.Single(d.Leases("other"));
        Plugin.InProc(P, "GC", Gc("[]")).Ok();
        Assert.Empty(d.Leases());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(d.Net(), ".cni", "owners")));
        Assert.Single(d.Leases("other"));
    }

    [Fact]
    public void Status_is_50_when_exhausted_or_not_writable()
    {
        using var d = new TempDataDir();
        string Cfg(string dir) => $$$"""{"cniVersion":"1.1.0","name":"net1","type":"host-local","ipam":{"type":"host-local","dataDir":"{{{dir}}}","ranges":[[{"subnet":"10.9.0.0/30"}]]}}""";
        Plugin.InProc(P, "STATUS", Cfg(d.Path)).Ok();
        Plugin.InProc(P, "ADD", Cfg(d.Path), "a").Ok(); // /30: .1 gateway, .2 the only address
        Assert.Equal(50, Plugin.InProc(P, "STATUS", Cfg(d.Path)).ErrorCode);
        var file = Path.Combine(d.Path, "not-a-dir");
        File.WriteAllText(file, "");
        Assert.Equal(50, Plugin.InProc(P, "STATUS", Cfg(file)).ErrorCode);
    }

    [Fact]
    public void Lock_held_too_long_is_error_11()
    {
        using var d = new TempDataDir();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "a").Ok();
        using (Linux.FileSystem.FileLock.Acquire(Path.Combine(d.Net(), "lock"), TimeSpan.FromSeconds(1)))
        {
            var r = Plugin.InProc(P, "ADD", d.HostLocal(V4, ""","lockTimeout":0.3"""), "b");
            Assert.Equal(11, r.ErrorCode);
        }
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "b").Ok();
    }

    [Fact]
    public void Lookups_use_the_owner_index_and_ignore_a_stale_one()
    {
        using var d = new TempDataDir();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "a").Ok();
        // Someone replaces a's lease file behind our back with another owner's (a new inode).
        var lease = Path.Combine(d.Net(), "10.9.0.2");
        File.Delete(lease);
        File.WriteAllText(lease, "b\r\neth0");
        using (var store = DiskIpStore.Open(d.Path, "net1", TimeSpan.FromSeconds(5)))
        {
            Assert.True(store.Reconciled); // the directory changed: index rebuilt from the lease files
            Assert.Empty(store.GetByOwner(new LeaseOwner("a", "eth0")));
            Assert.Equal([IPAddress.Parse("10.9.0.2")], store.GetByOwner(new LeaseOwner("b", "eth0")));
        }
        using (var store = DiskIpStore.Open(d.Path, "net1", TimeSpan.FromSeconds(5)))
            Assert.False(store.Reconciled); // nothing changed since: index trusted
    }

    [Fact]
    public void Crash_debris_in_tmp_is_removed_and_unindexed_leases_are_found()
    {
        using var d = new TempDataDir();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "a").Ok();
        File.WriteAllText(Path.Combine(d.Net(), ".cni", "tmp", "tmp.1.x"), "z\r\neth0");
        File.CreateSymbolicLink(Path.Combine(d.Net(), ".cni", "tmp", "tmp.1.y"), "10.9.0.9"); // a record's replacement
        File.WriteAllText(Path.Combine(d.Net(), "10.9.0.50"), "z\r\neth0"); // as if killed between link and index
        Plugin.InProc(P, "DEL", d.HostLocal(V4), "z").Ok();
        Assert.Equal(["10.9.0.2"], d.Leases().Keys);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(d.Net(), ".cni", "tmp")));
    }

    [Fact]
    public void Owner_index_is_one_symlink_record_per_owner_and_del_removes_it()
    {
        using var d = new TempDataDir();
        var dual = d.HostLocal("""[[{"subnet":"10.9.0.0/24"}],[{"subnet":"fd00::/64"}]]""");
        Plugin.InProc(P, "ADD", dual, "a").Ok();
        Plugin.InProc(P, "ADD", dual, "b").Ok();
        var owners = Path.Combine(d.Net(), ".cni", "owners");
        var entries = Directory.EnumerateFileSystemEntries(owners).Select(e => new FileInfo(e)).ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.True(e.Attributes.HasFlag(FileAttributes.ReparsePoint), $"{e.Name} is not a symlink"));
        Assert.Equal(["10.9.0.2,fd00::2", "10.9.0.3,fd00::3"], entries.Select(e => e.LinkTarget).Order());
        Plugin.InProc(P, "DEL", dual, "a").Ok();
        Assert.Equal("10.9.0.3,fd00::3", new FileInfo(Assert.Single(Directory.EnumerateFileSystemEntries(owners))).LinkTarget);
        Plugin.InProc(P, "DEL", dual, "b").Ok();
        Assert.Empty(Directory.EnumerateFileSystemEntries(owners));
        Assert.Empty(d.Leases());
    }

    [Fact]
    public void Index_of_the_first_layout_is_rebuilt_as_records()
    {
        using var d = new TempDataDir();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "a").Ok(); // creates the store directories
        // What the first layout left: a directory of hard links per owner, and a v1 state that matches the dir.
        var owners = Path.Combine(d.Net(), ".cni", "owners");
        foreach (var e in Directory.EnumerateFileSystemEntries(owners)) File.Delete(e);
        var oldDir = Directory.CreateDirectory(Path.Combine(owners, "0123456789abcdef0123456789abcdef")).FullName;
        Assert.True(Linux.FileSystem.DurableFile.TryLink(Path.Combine(d.Net(), "10.9.0.2"), Path.Combine(oldDir, "10.9.0.2")));
        Assert.True(Linux.FileSystem.FileStatus.TryGet(d.Net(), out var st));
        File.WriteAllText(Path.Combine(d.Net(), ".cni", "state"), $"host-local-index-state v1 {st.MtimeNs} 1 1\n");
        using (var store = DiskIpStore.Open(d.Path, "net1", TimeSpan.FromSeconds(5)))
        {
            Assert.True(store.Reconciled);
            Assert.Equal([IPAddress.Parse("10.9.0.2")], store.GetByOwner(new LeaseOwner("a", "eth0")));
        }
        Assert.False(Directory.Exists(oldDir));
        Assert.Equal("10.9.0.2", new FileInfo(Assert.Single(Directory.EnumerateFileSystemEntries(owners))).LinkTarget);
        Plugin.InProc(P, "DEL", d.HostLocal(V4), "a").Ok();
        Assert.Empty(d.Leases());
        Assert.Empty(Directory.EnumerateFileSystemEntries(owners));
    }
}
