using System.Globalization;
using Cni.Ipam.HostLocal;

namespace Cni.Ipam.Tests;

/// <summary>
/// What the store does without fsync and without temp-plus-rename (ipam/HostLocal/README.md, "Durability"):
/// leases a power cut left empty are still freed, the cursor and state are rewritten in place, and the state
/// stays trusted right after our own change without counting leases.
/// </summary>
public class DurabilityTests
{
    private static readonly HostLocalPlugin P = new();
    private const string V4 = """[[{"subnet":"10.9.0.0/24"}]]""";

    [Fact]
    public void Del_frees_a_lease_a_power_cut_left_empty_through_the_owner_index()
    {
        using var d = new TempDataDir();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "a").Ok();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "b").Ok();
        // Same inode, content gone: what ext4's delayed allocation can leave of an unsynced file. A power cut
        // does that without touching the inode's ctime; truncating here does not, so a's record is stamped
        // after it again, as it is after a real one (the record is written after its lease last changed).
        var owners = Path.Combine(d.Net(), ".cni", "owners");
        var recordOfA = Directory.EnumerateFileSystemEntries(owners).Single(e => new FileInfo(e).LinkTarget == "10.9.0.2");
        using (var f = new FileStream(Path.Combine(d.Net(), "10.9.0.2"), FileMode.Open, FileAccess.Write)) f.SetLength(0);
        Thread.Sleep(20);
        Cni.TestKit.Sh.Run("touch", "-h", recordOfA).EnsureSuccess("touch -h");
        Plugin.InProc(P, "DEL", d.HostLocal(V4), "a").Ok();
        Assert.Equal(["10.9.0.3"], d.Leases().Keys);
        var entry = Assert.Single(Directory.EnumerateFileSystemEntries(owners)); // b's only
        Assert.Equal("10.9.0.3", new FileInfo(entry).LinkTarget);
    }

    /// <summary>
    /// The reference released a's lease and handed the address to someone else, then a power cut emptied that
    /// new lease: a's stale record must not vouch for it (it is newer than the record), so a's DEL leaves it.
    /// </summary>
    [Fact]
    public void Stale_record_does_not_claim_an_emptied_lease_created_after_it()
    {
        using var d = new TempDataDir();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "a").Ok();
        var lease = Path.Combine(d.Net(), "10.9.0.2");
        Thread.Sleep(20);
        File.Delete(lease); // the reference releasing it...
        File.WriteAllText(lease, ""); // ...and its new owner's lease, emptied by a power cut
        Plugin.InProc(P, "DEL", d.HostLocal(V4), "a").Ok();
        Assert.Equal(["10.9.0.2"], d.Leases().Keys);
    }

    [Fact]
    public void Gc_frees_an_empty_lease_nobody_owns_and_keeps_valid_ones()
    {
        using var d = new TempDataDir();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "a").Ok();
        File.WriteAllText(Path.Combine(d.Net(), "10.9.0.77"), ""); // empty, never indexed
        var gc = d.HostLocal(V4, version: "1.1.0", top: ""","cni.dev/valid-attachments":[{"containerID":"a","ifname":"eth0"}]""");
        Plugin.InProc(P, "GC", gc).Ok();
        Assert.Equal(["10.9.0.2"], d.Leases().Keys);
    }

    [Fact]
    public void Cursor_is_rewritten_in_place_and_cut_to_a_shorter_address()
    {
        using var d = new TempDataDir();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "a", cniArgs: "IP=10.9.0.100").Ok();
        var cursor = Path.Combine(d.Net(), "last_reserved_ip.0");
        Assert.Equal("10.9.0.100", File.ReadAllText(cursor));
        var inode = Inode(cursor);
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "b", cniArgs: "IP=10.9.0.5").Ok();
        Assert.Equal("10.9.0.5", File.ReadAllText(cursor)); // no "0" left over from the longer one
        Assert.Equal(inode, Inode(cursor));
        var next = Plugin.InProc(P, "ADD", d.HostLocal(V4), "c").Ok();
        Assert.Equal(["10.9.0.6/24"], next.Addresses); // round robin resumes after the cursor
    }

    [Fact]
    public void State_right_after_our_change_is_settled_and_a_foreign_change_in_the_same_tick_is_seen()
    {
        using var d = new TempDataDir();
        Plugin.InProc(P, "ADD", d.HostLocal(V4), "a").Ok();
        var fields = File.ReadAllText(Path.Combine(d.Net(), ".cni", "state")).Trim().Split(' ');
        Assert.Equal("1", fields[^1]); // settled: the next open trusts the index without counting leases
        long recorded = long.Parse(fields[2], CultureInfo.InvariantCulture);
        Assert.True(Linux.FileSystem.FileStatus.TryGet(d.Net(), out var st));
        Assert.Equal(recorded, st.MtimeNs);
        using (var store = DiskIpStore.Open(d.Path, "net1", TimeSpan.FromSeconds(5)))
            Assert.False(store.Reconciled);
        // The reference adding a lease immediately after us (same clock tick): the mtime moves, so we rebuild.
        File.WriteAllText(Path.Combine(d.Net(), "10.9.0.50"), "ref\r\neth0");
        using (var store = DiskIpStore.Open(d.Path, "net1", TimeSpan.FromSeconds(5)))
        {
            Assert.True(store.Reconciled);
            Assert.Equal([System.Net.IPAddress.Parse("10.9.0.50")], store.GetByOwner(new LeaseOwner("ref", "eth0")));
        }
    }

    private static ulong Inode(string path)
    {
        Assert.True(Linux.FileSystem.FileStatus.TryGet(path, out var st));
        return st.Inode;
    }
}
