using System.Formats.Tar;
using System.Text;

namespace Cni.E2E.Tests;

/// <summary>
/// The root filesystem of the tests' only image: the static busybox plus the applet links the tests call.
/// Built here as a tarball for `podman import`, so the tests need no registry and no network access.
/// </summary>
public static class BusyboxRootfs
{
    public const string BusyboxPath = "/bin/busybox";

    /// <summary>The applets the containers run (servers, clients, readiness probes).</summary>
    private static readonly string[] s_applets =
        ["sh", "nc", "httpd", "netstat", "grep", "cat", "echo", "printf", "sleep", "ip", "mkdir", "ls", "hostname"];

    /// <summary>The page the httpd servers answer with unless a test writes its own.</summary>
    public const string IndexPage = "cni-e2e\n";

    /// <summary>
    /// True when <paramref name="path"/> is an ELF executable without a program interpreter (PT_INTERP):
    /// a dynamic busybox would not start in an image that has no libc.
    /// </summary>
    public static bool IsStaticElf(string path)
    {
        if (!File.Exists(path)) return false;
        using var f = File.OpenRead(path);
        Span<byte> h = stackalloc byte[64];
        if (f.Read(h) < 64 || h[0] != 0x7f || h[1] != (byte)'E' || h[2] != (byte)'L' || h[3] != (byte)'F' || h[4] != 2)
            return false; // not a 64-bit ELF
        long phoff = BitConverter.ToInt64(h[0x20..]);
        int phentsize = BitConverter.ToUInt16(h[0x36..]);
        int phnum = BitConverter.ToUInt16(h[0x38..]);
        var ph = new byte[phentsize];
        for (int i = 0; i < phnum; i++)
        {
            f.Position = phoff + (long)i * phentsize;
            if (f.Read(ph) < 4) return false;
            if (BitConverter.ToUInt32(ph, 0) == 3) return false; // PT_INTERP: needs ld.so
        }
        return true;
    }

    /// <summary>Writes the rootfs tarball to <paramref name="tarPath"/>.</summary>
    public static void WriteTar(string tarPath)
    {
        using var file = File.Create(tarPath);
        using var tar = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: false);
        const UnixFileMode dirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        foreach (var dir in new[] { "bin", "etc", "www", "root" })
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, dir + "/") { Mode = dirMode });
        tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "tmp/") { Mode = dirMode | UnixFileMode.StickyBit
            | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite });

        using (var busybox = File.OpenRead(BusyboxPath))
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = dirMode, DataStream = busybox });
        foreach (var applet in s_applets)
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox" });

        WriteText(tar, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
        WriteText(tar, "etc/group", "root:x:0:\n");
        WriteText(tar, "www/index.html", IndexPage);
    }

    private static void WriteText(TarWriter tar, string name, string text)
    {
        using var data = new MemoryStream(Encoding.UTF8.GetBytes(text));
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            DataStream = data,
        });
    }
}
