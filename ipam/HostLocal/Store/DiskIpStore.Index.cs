using System.Net;
using Cni.Linux.FileSystem;

namespace Cni.Ipam.HostLocal;

public sealed partial class DiskIpStore
{
    /// <summary>The owner's index entries that still point at its lease files; stale ones are removed.</summary>
    private List<IPAddress> IndexLookup(LeaseOwner owner)
    {
        var result = new List<IPAddress>();
        var dir = Path.Combine(_ownersDir, owner.IndexKey);
        if (!Directory.Exists(dir)) return result;
        foreach (var link in Directory.EnumerateFiles(dir))
        {
            var name = Path.GetFileName(link);
            if (IpText.TryParse(name, out var ip) && IsLiveLink(link, name, owner)) result.Add(ip!);
            else File.Delete(link);
        }
        if (result.Count == 0) TryRemoveEmptyDir(dir);
        return result;
    }

    /// <summary>
    /// Same inode as the lease file of that name, and (guarding against a key collision) the same owner. An
    /// empty lease that is still our inode lost its content to a power cut (leases are not fsynced); the
    /// index, which was linked from that very inode, still says whose it is.
    /// </summary>
    private bool IsLiveLink(string link, string name, LeaseOwner owner)
    {
        var lease = Path.Combine(NetworkDir, name);
        if (!FileStatus.TryGet(link, out var a) || !FileStatus.TryGet(lease, out var b) || a.Inode != b.Inode) return false;
        try
        {
            var content = ReadSmallFile(lease);
            if (string.IsNullOrWhiteSpace(content))
            {
                _emptyLeaseOwners[name] = owner; // so Release can still drop the index entry
                return true;
            }
            return LeaseOwner.TryParse(content, out var actual) && actual == owner;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    private void LinkIntoIndex(string leaseOrTemp, LeaseOwner owner, string name)
    {
        var dir = Path.Combine(_ownersDir, owner.IndexKey);
        Directory.CreateDirectory(dir, DirMode);
        var link = Path.Combine(dir, name);
        if (!DurableFile.TryLink(leaseOrTemp, link))
        {
            File.Delete(link); // left over from a lease that was released behind our back
            DurableFile.TryLink(leaseOrTemp, link);
        }
    }

    private void UnlinkFromIndex(LeaseOwner owner, string name)
    {
        var dir = Path.Combine(_ownersDir, owner.IndexKey);
        File.Delete(Path.Combine(dir, name));
        TryRemoveEmptyDir(dir);
    }

    private static void TryRemoveEmptyDir(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: false);
        }
        catch (IOException)
        {
            // not empty (another lease of this owner) or already gone: both fine
        }
    }

    /// <summary>Every lease file name in the network directory (names only, nothing read).</summary>
    private IEnumerable<(string Name, IPAddress Ip)> LeaseNames()
    {
        foreach (var path in Directory.EnumerateFiles(NetworkDir))
        {
            var name = Path.GetFileName(path);
            if (IpText.TryParse(name, out var ip)) yield return (name, ip!);
        }
    }

    private int CountLeaseNames() => LeaseNames().Count();

    /// <summary>
    /// Rebuilds the index from the lease files after someone else (the reference binary, an operator, a
    /// crash of ours) changed the directory: only leases not yet hard-linked into the index are read.
    /// </summary>
    private void Reconcile()
    {
        int count = 0;
        foreach (var (name, _) in LeaseNames())
        {
            var path = Path.Combine(NetworkDir, name);
            if (!FileStatus.TryGet(path, out var st) || st.IsDirectory) continue;
            count++;
            if (st.LinkCount >= 2) continue; // already indexed (tmp debris was removed before this runs)
            string content;
            try
            {
                content = ReadSmallFile(path);
            }
            catch (FileNotFoundException)
            {
                count--;
                continue;
            }
            if (LeaseOwner.TryParse(content, out var owner)) LinkIntoIndex(path, owner, name);
        }
        _leaseCount = count;
        _stateStale = true;
        Reconciled = true;
    }

    /// <summary>
    /// GC's second half: drops index entries whose lease is gone or replaced, and empty owner directories.
    /// Costs O(index size); only GC calls it.
    /// </summary>
    public void PruneIndex()
    {
        foreach (var dir in Directory.EnumerateDirectories(_ownersDir))
        {
            foreach (var link in Directory.EnumerateFiles(dir))
            {
                var name = Path.GetFileName(link);
                var lease = Path.Combine(NetworkDir, name);
                if (!IpText.TryParse(name, out _) || !FileStatus.TryGet(link, out var a)
                    || !FileStatus.TryGet(lease, out var b) || a.Inode != b.Inode)
                    File.Delete(link);
            }
            TryRemoveEmptyDir(dir);
        }
    }

    /// <summary>STATUS: proves a lease could be written here now (creates and removes a temporary file).</summary>
    public void ProbeWritable()
    {
        var tmp = DurableFile.WriteTemp(_tmpDir, "probe"u8, LeaseMode, fsync: false);
        File.Delete(tmp);
    }
}
