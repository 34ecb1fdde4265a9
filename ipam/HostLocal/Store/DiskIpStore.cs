using System.Net;
using System.Text;
using Cni.Linux.FileSystem;
using Cni.Sdk;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// The reference host-local's on-disk store, shared with it in place. <c>&lt;dataDir&gt;/&lt;network&gt;/</c> holds
/// <c>lock</c> (flock), <c>last_reserved_ip.N</c> (round-robin cursor of range set N) and one file per lease,
/// named by the address, holding <c>&lt;containerID&gt;\r\n&lt;ifname&gt;</c>. Those files stay the truth.
/// <para>
/// Beside them, <c>.cni/owners/&lt;key&gt;</c> is an owner index: one symlink record per owner whose value lists
/// its lease names, so lookups by owner read one record instead of every lease. A listed name counts only
/// while the lease file of that name names the owner. The reference never reads a record (its value is not a
/// path it can open). <c>.cni/state</c> records the directory's mtime after our last change; when it differs
/// at open, someone else changed the leases and the index is rebuilt from the lease files (see
/// <see cref="StoreState"/>).
/// </para>
/// <para>
/// A lease is written whole to <c>.cni/tmp</c>, then link(2)ed to its address name (link fails if the name
/// exists, like O_EXCL), so no reader or kill -9 ever sees it torn. It is not fsynced (the reference does not
/// either): after a power cut a lease may come back empty; lookups by owner still trust it through the index,
/// and GC releases it (README, "Durability"). Open takes the lock for the store's lifetime.
/// </para>
/// </summary>
public sealed partial class DiskIpStore : IIpStore
{
    private const string LockName = "lock", LastReservedPrefix = "last_reserved_ip.", MetaName = ".cni";
    private static readonly UnixFileMode LeaseMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private static readonly UnixFileMode DirMode = LeaseMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly FileLock _lock;
    private readonly string _metaDir, _tmpDir, _ownersDir, _statePath;
    private readonly Dictionary<LeaseOwner, string> _pendingTemp = [];
    private readonly Dictionary<string, LeaseOwner> _emptyLeaseOwners = [];
    private int _leaseCount;
    private bool _changedNames, _stateStale;

    public string NetworkDir { get; }

    /// <summary>True when this open had to rebuild the index (someone else changed the directory).</summary>
    public bool Reconciled { get; private set; }

    private DiskIpStore(string networkDir, FileLock fileLock)
    {
        NetworkDir = networkDir;
        _lock = fileLock;
        _metaDir = Path.Combine(networkDir, MetaName);
        _tmpDir = Path.Combine(_metaDir, "tmp");
        _ownersDir = Path.Combine(_metaDir, "owners");
        _statePath = Path.Combine(_metaDir, "state");
    }

    /// <summary>
    /// Creates <c>&lt;dataDir&gt;/&lt;network&gt;</c> if needed and takes its lock, waiting at most
    /// <paramref name="lockTimeout"/> (then error 11). The network name must be a plain directory name.
    /// </summary>
    public static DiskIpStore Open(string dataDir, string network, TimeSpan lockTimeout)
    {
        HostLocalConfig.ValidateNetworkName(network);
        var dir = Path.Combine(dataDir, network);
        FileLock fileLock;
        try
        {
            Directory.CreateDirectory(dir, DirMode);
            fileLock = FileLock.Acquire(Path.Combine(dir, LockName), lockTimeout);
        }
        catch (LockTimeoutException e)
        {
            throw new CniException(CniErrorCode.TryAgainLater, $"host-local store {dir} is busy", e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IoFailure, $"cannot open host-local store {dir}: {e.Message}");
        }
        var store = new DiskIpStore(dir, fileLock);
        try
        {
            store.Prepare();
            return store;
        }
        catch (Exception e)
        {
            fileLock.Dispose();
            if (e is IOException or UnauthorizedAccessException)
                throw new CniException(CniErrorCode.IoFailure, $"cannot prepare host-local store {dir}: {e.Message}");
            throw;
        }
    }

    /// <summary>Under the lock: clear what a crashed run left in tmp, then trust or rebuild the index.</summary>
    private void Prepare()
    {
        Directory.CreateDirectory(_tmpDir, DirMode);
        Directory.CreateDirectory(_ownersDir, DirMode);
        // Temporary files and records only live while their writer holds the lock, so any found now are a
        // crash's debris.
        foreach (var f in Directory.EnumerateFileSystemEntries(_tmpDir))
        {
            if (FileStatus.TryGet(f, out var entry) && entry.IsDirectory) Directory.Delete(f, recursive: true);
            else File.Delete(f);
        }

        StoreState? state = null;
        try
        {
            state = StoreState.Parse(ReadSmallFile(_statePath));
        }
        catch (FileNotFoundException)
        {
            // first open by us (or after the reference alone used this directory): rebuild below
        }
        if (state is { } s && FileStatus.TryGet(NetworkDir, out var st) && st.MtimeNs == s.DirMtimeNs
            && (s.Settled || CountLeaseNames() == s.LeaseCount))
        {
            _leaseCount = s.LeaseCount;
            return;
        }
        Reconcile();
    }

    public bool Reserve(LeaseOwner owner, IPAddress ip, int rangeSetIndex)
    {
        if (!_pendingTemp.TryGetValue(owner, out var tmp))
        {
            tmp = DurableFile.WriteTemp(_tmpDir, Encoding.UTF8.GetBytes(owner.FileContent), LeaseMode, fsync: false);
            _pendingTemp[owner] = tmp;
        }
        var name = IpText.FileName(ip);
        if (!DurableFile.TryLink(tmp, Path.Combine(NetworkDir, name))) return false;
        _changedNames = true;
        _leaseCount++;
        _verified[name] = owner;
        // The temp name has done its job; the next reservation for this owner gets a fresh inode. Removed
        // before the index is written, so the lease's last status change (ctime) is never later than its
        // record's mtime: what lets a record vouch for a lease a power cut left empty (IsOwnedBy).
        File.Delete(tmp);
        _pendingTemp.Remove(owner);
        AddToIndex(owner, name);
        // Rewritten in place like the reference does: a cursor lost or garbled by a crash only costs
        // round-robin order (an unparsable one restarts at rangeStart).
        OverwriteInPlace(Path.Combine(NetworkDir, LastReservedPrefix + rangeSetIndex), Encoding.ASCII.GetBytes(name));
        return true;
    }

    public IPAddress? LastReservedIp(int rangeSetIndex)
    {
        try
        {
            var text = ReadSmallFile(Path.Combine(NetworkDir, LastReservedPrefix + rangeSetIndex)).Trim();
            return IpText.TryParse(text, out var ip) ? ip : null;
        }
        catch (Exception e) when (e is FileNotFoundException or IOException)
        {
            return null; // a lost cursor only costs round-robin order, as in the reference
        }
    }

    public IReadOnlyList<IPAddress> GetByOwner(LeaseOwner owner) => IndexLookup(owner);

    public IReadOnlyList<IPAddress> FindForRelease(LeaseOwner owner)
    {
        var exact = IndexLookup(owner);
        return exact.Count > 0 || owner.IsLegacy ? exact : IndexLookup(new LeaseOwner(owner.ContainerId, ""));
    }

    public void Release(IPAddress ip)
    {
        var name = IpText.FileName(ip);
        var path = Path.Combine(NetworkDir, name);
        LeaseOwner owner;
        bool known = _verified.Remove(name, out owner) || _emptyLeaseOwners.TryGetValue(name, out owner);
        if (!known)
        {
            string content;
            try
            {
                content = ReadSmallFile(path);
            }
            catch (FileNotFoundException)
            {
                return;
            }
            known = LeaseOwner.TryParse(content, out owner);
        }
        // The lease file first: it is the truth. A crash before the index entry is updated leaves an entry
        // naming a lease that no longer exists, which lookups prune.
        File.Delete(path);
        _changedNames = true;
        _leaseCount = Math.Max(0, _leaseCount - 1);
        if (known) RemoveFromIndex(owner, name);
    }

    public IReadOnlyList<Lease> ListAll()
    {
        var list = new List<Lease>();
        foreach (var (name, ip) in LeaseNames())
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
            // An empty lease is one a power cut cut short (leases are not fsynced; README "Durability"): it
            // belongs to nobody GC could be told to keep, so it is listed with an empty owner and GC frees it.
            list.Add(new Lease(ip, LeaseOwner.TryParse(content, out var owner) ? owner : new LeaseOwner("", "")));
        }
        return list;
    }

    /// <summary>
    /// Removes leftover temporary files, records the directory state for the next open, and releases the lock.
    /// </summary>
    public void Dispose()
    {
        try
        {
            foreach (var tmp in _pendingTemp.Values) File.Delete(tmp);
            _pendingTemp.Clear();
            // No fsync of the directory: a lease file is fsynced before it is linked, so it is never torn or
            // empty; a link lost to a power cut only frees an address whose container died with the machine.
            // That second fsync cost more than the whole rest of an ADD on a real disk.
            if (_changedNames || _stateStale) WriteState();
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private void WriteState()
    {
        if (!FileStatus.TryGet(NetworkDir, out var st)) return;
        long mtime = st.MtimeNs;
        // If the kernel clock has not yet left the tick our last change was stamped in, a change made in the
        // same tick by someone else could keep the same mtime, and the next open would have to count every
        // lease to notice it. Kernels with fine-grained timestamps (6.13+) are always in that case. So the
        // directory's mtime is set one second back instead: any later change stamps it with the current
        // time again, which is never that far back, so "mtime unchanged" keeps meaning "nobody changed it".
        bool settled = FileStatus.CoarseNowNs() > mtime || TryStepMtimeBack(ref mtime);
        var state = new StoreState(mtime, _leaseCount, settled);
        OverwriteInPlace(_statePath, Encoding.ASCII.GetBytes(state.Serialize()));
    }

    private bool TryStepMtimeBack(ref long mtimeNs)
    {
        try
        {
            Directory.SetLastWriteTimeUtc(NetworkDir, DateTime.UnixEpoch.AddTicks((mtimeNs - 1_000_000_000L) / 100));
            if (!FileStatus.TryGet(NetworkDir, out var st) || st.MtimeNs >= mtimeNs) return false;
            mtimeNs = st.MtimeNs;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // not ours to touch (another owner): the next open counts leases instead
        }
    }

    /// <summary>
    /// Reads a lease, cursor or state file. Not File.ReadAllText: that builds a FileStream and a StreamReader
    /// with kilobytes of buffers per file, and a rebuild reads every lease, which was most of the peak RSS
    /// of the first call on a store of 1000 leases.
    /// </summary>
    private static string ReadSmallFile(string path) => Encoding.UTF8.GetString(File.ReadAllBytes(path));

    /// <summary>
    /// Rewrites a small bookkeeping file in place. Not temp-plus-rename: on ext4 a rename over an existing
    /// file forces the new file's blocks out to disk (auto_da_alloc), about 0.5 ms per rename, which was
    /// a sixth of an ADD. These files are hints (a cursor, the state); a garbled one is read as absent.
    /// </summary>
    private static void OverwriteInPlace(string path, ReadOnlySpan<byte> content)
    {
        using var fs = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.ReadWrite,
            BufferSize = 0, UnixCreateMode = LeaseMode,
        });
        fs.Write(content);
        if (fs.Length > content.Length) fs.SetLength(content.Length);
    }
}
