using System.Text;
using Cni.Linux.FileSystem;
using Cni.Linux.Hashing;
using Cni.Sdk;

namespace Cni.Plugins.Vxlan;

/// <summary>One attachment as recorded on disk: who it belongs to and its host-side veth.</summary>
public sealed record VxlanAttachmentRecord(string ContainerId, string IfName, string HostVeth);

/// <summary>
/// The plugin's host state under <c>stateDir</c> (default /run/cni/vxlan, gone after a reboot like the devices
/// it describes): <c>NETWORK.lock</c>, the per-network lock every verb that changes devices holds, and
/// <c>NETWORK/</c> with one small file per attachment, so GC knows which host veth belongs to an attachment
/// the runtime no longer lists.
/// </summary>
public sealed class VxlanState
{
    /// <summary>Long enough for a queue of concurrent ADDs on a busy host; a stuck holder becomes a retry (11).</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dir;

    public VxlanState(VxlanConfig config)
    {
        Root = config.StateDir;
        Network = config.Net.Name;
        _dir = Path.Combine(Root, Network);
    }

    public string Root { get; }
    public string Network { get; }

    /// <summary>Takes the network's lock; waiting longer than <see cref="LockTimeout"/> is "try again later" (11).</summary>
    public IDisposable Lock()
    {
        try
        {
            Directory.CreateDirectory(Root);
            return FileLock.Acquire(Path.Combine(Root, Network + ".lock"), LockTimeout);
        }
        catch (LockTimeoutException e)
        {
            throw new CniException(CniErrorCode.TryAgainLater, $"vxlan: network {Network} is busy", e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IoFailure, $"vxlan: cannot lock {Root}/{Network}.lock", e.Message, e);
        }
    }

    /// <summary>Records an attachment (replacing an older record of the same container and ifname).</summary>
    public void Save(VxlanAttachmentRecord record)
    {
        Directory.CreateDirectory(_dir);
        var text = $"{record.ContainerId}\n{record.IfName}\n{record.HostVeth}\n";
        DurableFile.WriteAtomic(FileFor(record.ContainerId, record.IfName), _dir, Encoding.UTF8.GetBytes(text),
            UnixFileMode.UserRead | UnixFileMode.UserWrite, fsync: false);
    }

    public VxlanAttachmentRecord? Find(string containerId, string ifName) => Read(FileFor(containerId, ifName));

    /// <summary>Forgets an attachment; one never recorded (a DEL without ADD, a second DEL) is fine.</summary>
    public void Remove(string containerId, string ifName)
    {
        if (Directory.Exists(_dir)) File.Delete(FileFor(containerId, ifName));
    }

    /// <summary>Every recorded attachment of this network.</summary>
    public List<VxlanAttachmentRecord> All()
        => Directory.Exists(_dir) ? Directory.EnumerateFiles(_dir, "*.att").Select(Read).OfType<VxlanAttachmentRecord>().ToList() : [];

    private static VxlanAttachmentRecord? Read(string path)
    {
        if (!File.Exists(path)) return null;
        var lines = File.ReadAllText(path).Split('\n');
        return lines.Length >= 3 ? new VxlanAttachmentRecord(lines[0], lines[1], lines[2]) : null;
    }

    /// <summary>A fixed-length name from the container ID and ifname: both may hold characters a file name should not.</summary>
    private string FileFor(string containerId, string ifName)
        => Path.Combine(_dir, Sha256.HashHex(Encoding.UTF8.GetBytes(containerId + "\0" + ifName))[..32] + ".att");
}
