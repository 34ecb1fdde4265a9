using System.Text;
using System.Text.RegularExpressions;
using Cni.Linux.FileSystem;
using Cni.Linux.Netlink;
using Cni.Linux.Netns;

namespace Cni.Sdk.Iface;

/// <summary>
/// Masters named like <c>eth0.10</c> that do not exist yet, as Docker's macvlan/ipvlan drivers handle them: the
/// 802.1Q subinterface of <c>eth0</c> with VLAN id 10 is created on first use and removed when the last
/// attachment using it goes. A master that already exists is used as it is and never removed, because
/// someone else owns it.
///
/// Who uses a VLAN we created cannot be read from the kernel (the macvlans sit in container namespaces, where
/// the host cannot see their lower device), so each created VLAN has a state file listing its attachments.
/// The files live under /run: a VLAN link does not survive a reboot, and neither should its record. One
/// flock over the directory serialises concurrent ADD/DEL on the same host.
/// </summary>
public sealed partial class VlanParent
{
    /// <summary>Where the records live unless a caller (a test) says otherwise.</summary>
    public const string DefaultStateDir = "/run/cni/vlan-parents";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dir;

    public VlanParent(string? stateDir = null) => _dir = stateDir ?? DefaultStateDir;

    /// <summary>One user of a VLAN parent: network name, container id, interface name.</summary>
    public readonly record struct User(string Network, string ContainerId, string IfName)
    {
        internal string Line => $"{Network}\t{ContainerId}\t{IfName}";
    }

    [GeneratedRegex(@"^(?<parent>.+)\.(?<id>[0-9]{1,4})$")]
    private static partial Regex VlanName();

    /// <summary>Splits "eth0.10" into ("eth0", 10); false for names that do not name a VLAN 1..4094.</summary>
    public static bool TryParse(string name, out string parent, out int vlanId)
    {
        parent = "";
        vlanId = 0;
        var m = VlanName().Match(name);
        if (!m.Success) return false;
        parent = m.Groups["parent"].Value;
        vlanId = int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return vlanId is >= 1 and <= 4094;
    }

    /// <summary>
    /// Returns the master named <paramref name="name"/> in the namespace of <paramref name="nl"/>, creating it
    /// as a VLAN subinterface (and recording <paramref name="user"/>) when it is missing and its name says so;
    /// null when it is missing and cannot be created (no such parent). An existing master we created earlier
    /// gets <paramref name="user"/> added to its record; one we did not create is returned untouched.
    /// </summary>
    public Link? Acquire(RouteNetlink nl, string name, User user)
    {
        bool vlanName = TryParse(name, out var parentName, out int vlanId);
        if (nl.TryGetLink(name, out var existing) && !vlanName) return existing;
        if (existing is null && (!vlanName || !nl.TryGetLink(parentName, out _))) return null;

        string record = RecordPath(name);
        using var held = Lock();
        if (nl.TryGetLink(name, out existing))
        {
            if (File.Exists(record)) Write(record, Read(record).Append(user.Line).Distinct());
            return existing;
        }
        // Missing now. A record without its link is stale (someone deleted the VLAN): start afresh.
        if (!nl.TryGetLink(parentName, out var parent)) return null;
        Link vlan;
        try
        {
            vlan = nl.CreateLink(new VlanLink { Name = name, ParentIndex = parent.Index, VlanId = vlanId });
        }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to create VLAN {name} (id {vlanId} on {parentName})", e.Message, e);
        }
        try
        {
            nl.SetLinkUp(vlan.Index);
            Write(record, [user.Line]);
        }
        catch
        {
            TryDelete(nl, vlan.Index);
            throw;
        }
        return nl.GetLink(vlan.Index);
    }

    /// <summary>
    /// Drops <paramref name="user"/> from the record of <paramref name="name"/>; when nobody is left, deletes the
    /// VLAN link and its record. Masters without a record (not created by us) are never touched.
    /// </summary>
    public void Release(RouteNetlink nl, string name, User user)
    {
        if (!TryParse(name, out _, out _)) return;
        string record = RecordPath(name);
        if (!File.Exists(record)) return;
        using var held = Lock();
        if (!File.Exists(record)) return;
        var left = Read(record).Where(l => l != user.Line).ToList();
        Finish(nl, name, record, left);
    }

    /// <summary>
    /// GC: for every VLAN we created in this namespace, drops the users of <paramref name="network"/> that are
    /// not in <paramref name="valid"/>, and removes VLANs nobody uses any more.
    /// </summary>
    public void Collect(RouteNetlink nl, string network, IReadOnlyCollection<Attachment> valid)
    {
        if (!Directory.Exists(_dir)) return;
        string prefix = NamespaceKey() + "_";
        using var held = Lock();
        foreach (var record in Directory.GetFiles(_dir, prefix + "*"))
        {
            string name = Path.GetFileName(record)[prefix.Length..];
            var left = Read(record).Where(l =>
            {
                var f = l.Split('\t');
                return f.Length != 3 || f[0] != network || valid.Contains(new Attachment(f[1], f[2]));
            }).ToList();
            Finish(nl, name, record, left);
        }
    }

    /// <summary>Whether this namespace has a record for <paramref name="name"/> (we created it and it is in use).</summary>
    public bool IsOurs(string name) => File.Exists(RecordPath(name));

    private void Finish(RouteNetlink nl, string name, string record, List<string> left)
    {
        if (left.Count > 0)
        {
            Write(record, left);
            return;
        }
        if (nl.TryGetLink(name, out var vlan) && vlan.Kind == "vlan") TryDelete(nl, vlan.Index);
        File.Delete(record);
    }

    private static void TryDelete(RouteNetlink nl, int index)
    {
        try { nl.DeleteLink(index); }
        catch (LinkNotFoundException) { }
    }

    /// <summary>
    /// Records are per network namespace (a test's throwaway "host" namespace may have its own eth0.10): the
    /// key is the namespace inode of the calling thread, which is where every link operation here happens.
    /// </summary>
    private string RecordPath(string name) => Path.Combine(_dir, NamespaceKey() + "_" + name);

    private static string NamespaceKey()
    {
        // "net:[4026531840]" -> "4026531840"
        string target = new FileInfo("/proc/thread-self/ns/net").LinkTarget ?? "net:[0]";
        return new string(target.Where(char.IsAsciiDigit).ToArray());
    }

    private FileLock Lock()
    {
        Directory.CreateDirectory(_dir);
        return FileLock.Acquire(Path.Combine(_dir, "lock"), LockTimeout);
    }

    private static IEnumerable<string> Read(string record)
        => File.Exists(record) ? File.ReadAllLines(record).Where(l => l.Length > 0) : [];

    private void Write(string record, IEnumerable<string> lines)
        => DurableFile.WriteAtomic(record, _dir, Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite, fsync: false);
}
