using System.Net;
using Cni.Linux.FileSystem;

namespace Cni.Ipam.HostLocal;

// The owner index: .cni/owners/<key> is a symlink record (Cni.Linux SymlinkRecord) whose value lists the owner's
// lease names, comma-separated ("10.9.0.2" or "10.9.0.2,fd00::2"). It is never followed: the value is not a path.
// An entry is a hint. A name in it counts only while the lease file of that name names the owner, so a stale
// entry (the reference released or replaced the lease) costs a lookup nothing but its own pruning.
public sealed partial class DiskIpStore
{
    private const char EntrySeparator = ',';

    /// <summary>Index entries read or written under this lock, by key (the lock makes them authoritative).</summary>
    private readonly Dictionary<string, string[]> _entries = [];

    /// <summary>Lease owners verified under this lock by a lookup, so a following release does not read them again.</summary>
    private readonly Dictionary<string, LeaseOwner> _verified = [];

    private string EntryPath(string key) => Path.Combine(_ownersDir, key);

    private string[] ReadEntry(string key)
    {
        if (_entries.TryGetValue(key, out var names)) return names;
        names = SymlinkRecord.TryRead(EntryPath(key), out var value)
            ? value.Split(EntrySeparator, StringSplitOptions.RemoveEmptyEntries)
            : [];
        _entries[key] = names;
        return names;
    }

    /// <summary>Sets an entry to <paramref name="names"/>; none removes it.</summary>
    private void WriteEntry(string key, IReadOnlyCollection<string> names)
    {
        var path = EntryPath(key);
        if (names.Count == 0) SymlinkRecord.Delete(path);
        else SymlinkRecord.Replace(path, string.Join(EntrySeparator, names), _tmpDir);
        _entries[key] = [.. names];
    }

    /// <summary>The owner's index entries that still name its leases; stale ones are removed.</summary>
    private List<IPAddress> IndexLookup(LeaseOwner owner)
    {
        var key = owner.IndexKey;
        var names = ReadEntry(key);
        var result = new List<IPAddress>(names.Length);
        var live = new List<string>(names.Length);
        foreach (var name in names)
        {
            if (IpText.TryParse(name, out var ip) && IsOwnedBy(name, owner))
            {
                result.Add(ip!);
                live.Add(name);
            }
        }
        if (live.Count != names.Length) WriteEntry(key, live);
        return result;
    }

    /// <summary>
    /// The lease file of that name names <paramref name="owner"/> (the index entry is only a hint). An empty lease
    /// lost its content to a power cut (leases are not fsynced); the record, written by the ADD that created it,
    /// is the only trace left of whose it is, so it is trusted if it vouches for that very file (see
    /// <see cref="RecordVouchesFor"/>).
    /// </summary>
    private bool IsOwnedBy(string name, LeaseOwner owner)
    {
        string content;
        try
        {
            content = ReadSmallFile(Path.Combine(NetworkDir, name));
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        if (string.IsNullOrWhiteSpace(content))
        {
            if (!RecordVouchesFor(owner.IndexKey, name)) return false;
            _emptyLeaseOwners[name] = owner; // so Release can still drop the index entry
            return true;
        }
        if (!LeaseOwner.TryParse(content, out var actual) || actual != owner) return false;
        _verified[name] = owner;
        return true;
    }

    /// <summary>
    /// Whether the record <paramref name="key"/> was written after the lease file <paramref name="name"/> last changed
    /// status (ctime: created, linked or unlinked), i.e. it was written for this file. Our ADD links the lease and
    /// drops its temporary name before writing the record; a lease the reference created later for someone else,
    /// after releasing the one the record was written for, is newer than the record and is not vouched for.
    /// </summary>
    private bool RecordVouchesFor(string key, string name)
        => FileStatus.TryGet(EntryPath(key), out var record) && FileStatus.TryGet(Path.Combine(NetworkDir, name), out var lease)
           && lease.CtimeNs <= record.MtimeNs;

    private void AddToIndex(LeaseOwner owner, string name)
    {
        var key = owner.IndexKey;
        var names = ReadEntry(key); // cached by the lookup ADD makes first, so usually no syscall
        if (names.Contains(name)) return;
        WriteEntry(key, [.. names, name]); // a new owner: one symlink(2)
    }

    private void RemoveFromIndex(LeaseOwner owner, string name)
    {
        var key = owner.IndexKey;
        var names = ReadEntry(key);
        if (!names.Contains(name)) return;
        WriteEntry(key, names.Where(n => n != name).ToList());
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
    /// Rebuilds the index after someone else (the reference binary, an operator, a crash of ours) changed the
    /// directory: reads every lease.
    /// </summary>
    private void Reconcile()
    {
        _leaseCount = RebuildIndex();
        _stateStale = true;
        Reconciled = true;
    }

    /// <summary>GC's second half: the index rebuilt from the leases GC kept. Costs O(leases), like GC.</summary>
    public void PruneIndex()
    {
        _leaseCount = RebuildIndex();
        _stateStale = true;
    }

    /// <summary>
    /// Makes every entry list exactly its owner's leases, and returns how many lease files there are. An empty
    /// lease (a power cut) stays in an entry that already lists it and vouches for it: nothing else says whose it
    /// is. Entries that are not records (the directories of the index's first layout, debris) are removed.
    /// </summary>
    private int RebuildIndex()
    {
        var want = new Dictionary<string, List<string>>();
        var empty = new HashSet<string>();
        int count = 0;
        foreach (var (name, _) in LeaseNames())
        {
            string content;
            try
            {
                content = ReadSmallFile(Path.Combine(NetworkDir, name));
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            count++;
            if (!LeaseOwner.TryParse(content, out var owner))
            {
                empty.Add(name);
                continue;
            }
            var key = owner.IndexKey;
            if (!want.TryGetValue(key, out var list)) want[key] = list = [];
            list.Add(name);
        }

        _entries.Clear();
        foreach (var path in Directory.EnumerateFileSystemEntries(_ownersDir))
        {
            var key = Path.GetFileName(path);
            if (!SymlinkRecord.TryRead(path, out var value))
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
                continue;
            }
            var have = value.Split(EntrySeparator, StringSplitOptions.RemoveEmptyEntries);
            var desired = want.Remove(key, out var mine) ? mine : [];
            desired.AddRange(have.Where(n => empty.Contains(n) && !desired.Contains(n) && RecordVouchesFor(key, n)));
            if (desired.Count == have.Length && desired.All(have.Contains)) _entries[key] = have;
            else WriteEntry(key, desired);
        }
        foreach (var (key, names) in want) WriteEntry(key, names);
        return count;
    }

    /// <summary>STATUS: proves a lease could be written here now (creates and removes a temporary file).</summary>
    public void ProbeWritable()
    {
        var tmp = DurableFile.WriteTemp(_tmpDir, "probe"u8, LeaseMode, fsync: false);
        File.Delete(tmp);
    }
}
