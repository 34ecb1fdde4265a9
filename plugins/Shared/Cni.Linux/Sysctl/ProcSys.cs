using System.Runtime.InteropServices;
using System.Text;
using Cni.Linux.Interop;
using Cni.Linux.Netns;

namespace Cni.Linux.Sysctl;

/// <summary>
/// Reads and writes /proc/sys keys. /proc/sys/net answers for the network namespace of the calling
/// *thread*, so the overloads taking a <see cref="NetNs"/> run inside it via <see cref="NetNs.Run{T}"/>.
/// Keys are accepted in dotted form ("net.ipv4.conf.eth0.arp_notify", like `sysctl -w`) or slash form
/// ("net/ipv4/conf/eth0.100/arp_notify"). In the dotted form an interface name may itself contain dots
/// (VLAN devices such as "eth0.100"): for net.ipv4|ipv6.conf|neigh.IFNAME.LEAF everything between the
/// fourth segment and the last one is the interface name.
/// </summary>
public static unsafe class ProcSys
{
    private const string Root = "/proc/sys/";
    private const int O_WRONLY = 1, O_RDWR = 2;

    /// <summary>`sysctl -n KEY` in the calling thread's namespace; the value without its trailing newline.</summary>
    public static string Read(string key)
    {
        string path = PathOf(key);
        string operation = "read sysctl " + key;
        // The value must come in ONE read(): most /proc/sys handlers answer a read at a non-zero offset with
        // EOF, so a second read would silently truncate. A value that fills the buffer is read again, whole,
        // into a bigger one.
        for (int size = 4096; ; size *= 4)
        {
            var buffer = new byte[size];
            int fd = Open(path, LibC.O_RDONLY, operation);
            nint n;
            try
            {
                while (true)
                {
                    fixed (byte* p = buffer) n = SysctlNative.read(fd, p, (nuint)buffer.Length);
                    if (n >= 0) break;
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != Errno.EINTR) throw Failure(operation, path, errno);
                }
            }
            finally { LibC.close(fd); }
            if (n < buffer.Length) return Encoding.ASCII.GetString(buffer, 0, (int)n).TrimEnd('\n');
        }
    }

    /// <summary>`sysctl -w KEY=VALUE` in the calling thread's namespace.</summary>
    public static void Write(string key, string value)
    {
        string path = PathOf(key);
        string operation = $"write sysctl {key}={value}";
        int fd = Open(path, O_WRONLY, operation);
        try
        {
            // One write() of the whole value: /proc/sys handlers parse each write separately.
            var bytes = Encoding.ASCII.GetBytes(value);
            while (true)
            {
                nint n;
                fixed (byte* p = bytes) n = SysctlNative.write(fd, p, (nuint)bytes.Length);
                if (n >= 0) return;
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR) throw Failure(operation, path, errno);
            }
        }
        finally { LibC.close(fd); }
    }

    /// <summary>
    /// Sets KEY to VALUE unless it already holds it, through ONE open(O_RDWR): resolving a /proc/sys/net path
    /// costs time that grows with the number of network namespaces on the node (every namespace has its own
    /// "ipv4", "ipv6", "core"... directory under the one shared /proc/sys/net, and the lookup compares them one
    /// by one), so read-then-write as two opens, after an existence check, was three of those walks. Returns false, changing nothing, when
    /// <paramref name="missingOk"/> and the key does not exist (no such interface, IPv6 off).
    /// </summary>
    public static bool WriteIfDifferent(string key, string value, bool missingOk = false)
    {
        string path = PathOf(key);
        string operation = $"write sysctl {key}={value}";
        int fd;
        while ((fd = LibC.open(path, O_RDWR | LibC.O_CLOEXEC)) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR) continue;
            if (errno == Errno.ENOENT && missingOk) return false;
            if (errno == Errno.EACCES)
            {
                // A write-only key (mode 0200): no reading it back.
                Write(key, value);
                return true;
            }
            throw Failure(operation, path, errno);
        }
        try
        {
            var current = new byte[256];
            nint n;
            while (true)
            {
                fixed (byte* p = current) n = SysctlNative.pread(fd, p, (nuint)current.Length, 0);
                if (n >= 0) break;
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR) throw Failure("read sysctl " + key, path, errno);
            }
            if (n < current.Length && Encoding.ASCII.GetString(current, 0, (int)n).TrimEnd('\n') == value) return true;
            var bytes = Encoding.ASCII.GetBytes(value);
            while (true)
            {
                nint w;
                fixed (byte* p = bytes) w = SysctlNative.pwrite(fd, p, (nuint)bytes.Length, 0);
                if (w >= 0) return true;
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR) throw Failure(operation, path, errno);
            }
        }
        finally { LibC.close(fd); }
    }

    private static int Open(string path, int flags, string operation)
    {
        while (true)
        {
            int fd = LibC.open(path, flags | LibC.O_CLOEXEC);
            if (fd >= 0) return fd;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR) throw Failure(operation, path, errno);
        }
    }

    /// <summary>
    /// An IOException naming the key, the path and the errno. A missing key (ENOENT: the interface or the
    /// IPv6 tree is not there) carries a FileNotFoundException inside, so callers can tell "no such key"
    /// from "the kernel refused the value" the same way they could with File I/O.
    /// </summary>
    private static IOException Failure(string operation, string path, int errno)
    {
        string message = $"{operation} ({path}): {Errno.Describe(errno)}";
        Exception inner = errno == Errno.ENOENT ? new FileNotFoundException(message, path) : new LinuxException(operation, errno);
        return new IOException(message, inner);
    }

    /// <summary>`ip netns exec NS sysctl -n KEY`.</summary>
    public static string Read(NetNs netns, string key) => netns.Run(() => Read(key));

    /// <summary>`ip netns exec NS sysctl -w KEY=VALUE`.</summary>
    public static void Write(NetNs netns, string key, string value) => netns.Run(() => Write(key, value));

    /// <summary>The /proc/sys path of <paramref name="key"/>; rejects keys that would escape /proc/sys.</summary>
    public static string PathOf(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        string relative = key.Contains('/') ? key.TrimStart('/') : DottedToPath(key);
        if (relative.Split('/').Any(s => s is "" or "." or ".."))
            throw new ArgumentException($"invalid sysctl key '{key}'", nameof(key));
        return Root + relative;
    }

    private static string DottedToPath(string key)
    {
        var parts = key.Split('.');
        // net.ipv4.conf.<if>.<leaf>, net.ipv6.neigh.<if>.<leaf>: the interface keeps its dots.
        if (parts.Length > 5 && parts[0] == "net" && parts[1] is "ipv4" or "ipv6" && parts[2] is "conf" or "neigh")
        {
            string iface = string.Join('.', parts[3..^1]);
            return $"{parts[0]}/{parts[1]}/{parts[2]}/{iface}/{parts[^1]}";
        }
        return string.Join('/', parts);
    }
}
