using System.Buffers.Binary;
using System.Text;
using Cni.Linux.Exec;
using Cni.Linux.Threading;
using Microsoft.Win32.SafeHandles;

namespace Cni.Sdk;

/// <summary>
/// IPAM delegates a plugin binary carries inside itself. <see cref="ExecIpam"/> still finds the delegate in
/// CNI_PATH exactly as before; when the file it found is our own binary for that type, of the same in-process
/// protocol version (an ELF note, plugins/Shared/Native/cni_ident.c), and this binary registered that type, it
/// runs the delegate's <see cref="Dispatcher"/> on a thread instead of starting a process: the same stdin bytes
/// and environment (CNI_COMMAND replaced) in, the same stdout bytes, exit status and stderr out, so decoding
/// and error reporting are shared with the executed path. Saves a process start (most of a host-local call)
/// per ADD and DEL. Any other file under that name (the reference plugin, a wrapper, another version of
/// ours) is executed.
/// </summary>
public static class InProcessIpam
{
    /// <summary>Must equal CNI_IDENT_VERSION in cmd/Directory.Build.props; bump both when in-process runs could differ.</summary>
    public const int ProtocolVersion = 1;

    private static readonly Dictionary<string, Func<ICniPlugin>> s_plugins = new(StringComparer.Ordinal);

    /// <summary>Lets this binary run IPAM <paramref name="type"/> in-process (called once, before <see cref="PluginMain.Run"/>).</summary>
    public static void Register(string type, Func<ICniPlugin> plugin) => s_plugins[type] = plugin;

    /// <summary>The registered plugin for <paramref name="type"/>, if <paramref name="file"/> is our binary of that name and version.</summary>
    internal static ICniPlugin? For(string type, string file)
        => s_plugins.TryGetValue(type, out var plugin) && IsOurBinary(file, type) ? plugin() : null;

    /// <summary>
    /// Whether <paramref name="file"/> is an ELF executable carrying our identity note for <paramref name="name"/> and
    /// <see cref="ProtocolVersion"/>. Reads the first page only (program headers and the note segment the linker
    /// places right after them); anything unreadable or unexpected is "not ours".
    /// </summary>
    public static bool IsOurBinary(string file, string name)
    {
        Span<byte> page = stackalloc byte[4096];
        int n;
        try
        {
            using SafeFileHandle h = File.OpenHandle(file, FileMode.Open, FileAccess.Read);
            n = RandomAccess.Read(h, page, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return HasIdentNote(page[..n], $"{name} {ProtocolVersion}");
    }

    private const uint PT_NOTE = 4, NoteType = 0x434e4931;

    internal static bool HasIdentNote(ReadOnlySpan<byte> image, string expected)
    {
        // ELF64, little-endian (x86-64/arm64 Linux): e_phoff at 32, e_phentsize at 54, e_phnum at 56.
        if (image.Length < 64 || image[0] != 0x7f || !image[1..4].SequenceEqual("ELF"u8) || image[4] != 2 || image[5] != 1)
            return false;
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(image[32..]);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(image[54..]);
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(image[56..]);
        if (phentsize < 56) return false;
        ulong length = (ulong)image.Length;
        for (int i = 0; i < phnum; i++)
        {
            // Every bound is checked without an addition that could wrap: the file may be anything.
            if (phoff > length || (ulong)i * (ulong)phentsize > length - phoff) return false;
            ulong at = phoff + (ulong)i * (ulong)phentsize;
            if (length - at < 56) return false;
            var ph = image[(int)at..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(ph) != PT_NOTE) continue;
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]);
            if (offset > length || size > length - offset) continue;
            if (NotesContain(image.Slice((int)offset, (int)size), expected)) return true;
        }
        return false;
    }

    private static bool NotesContain(ReadOnlySpan<byte> notes, string expected)
    {
        while (notes.Length >= 12)
        {
            uint namesz = BinaryPrimitives.ReadUInt32LittleEndian(notes);
            uint descsz = BinaryPrimitives.ReadUInt32LittleEndian(notes[4..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(notes[8..]);
            long nameEnd = 12 + ((namesz + 3L) & ~3L), descEnd = nameEnd + ((descsz + 3L) & ~3L);
            if (descEnd > notes.Length) return false;
            if (type == NoteType && namesz == 5 && notes.Slice(12, 4).SequenceEqual("CNI#"u8))
            {
                var desc = notes.Slice((int)nameEnd, (int)descsz);
                int nul = desc.IndexOf((byte)0);
                if (nul >= 0) desc = desc[..nul];
                if (Encoding.ASCII.GetString(desc) == expected) return true;
            }
            notes = notes[(int)descEnd..];
        }
        return false;
    }

    /// <summary>Runs <paramref name="plugin"/>'s dispatcher on its own thread, as its process would run.</summary>
    internal static DelegateRun Start(ICniPlugin plugin, IReadOnlyDictionary<string, string> env, byte[] stdin)
        => new InProcessRun(plugin, env, stdin);

    private sealed class InProcessRun : DelegateRun
    {
        private readonly PlainThread _thread;
        private ChildOutput? _output;

        public InProcessRun(ICniPlugin plugin, IReadOnlyDictionary<string, string> env, byte[] stdin)
        {
            // A plain pthread (Thread.Start spins until the thread runs); it starts in this thread's netns, as a
            // child process would.
            _thread = PlainThread.Start(() =>
            {
                using var input = new MemoryStream(stdin, writable: false);
                using var output = new MemoryStream();
                using var errors = new StringWriter();
                int rc = new Dispatcher(k => env.TryGetValue(k, out var v) ? v : null, env, input, output, errors).Run(plugin, "");
                _output = new ChildOutput(rc, output.ToArray(), Encoding.UTF8.GetBytes(errors.ToString()));
            }, "in-process IPAM");
        }

        public override ChildOutput Wait()
        {
            _thread.Join();
            return _output!;
        }

        public override void Dispose()
        {
            try { _thread.Join(); }
            catch (Exception)
            {
                // Disposing only reaps; Wait reports the failure.
            }
        }
    }
}

/// <summary>One started IPAM delegate, a process or a thread: wait for its exit status and output.</summary>
internal abstract class DelegateRun : IDisposable
{
    public abstract ChildOutput Wait();
    public abstract void Dispose();

    public static DelegateRun Of(PendingChild child) => new ChildRun(child);

    private sealed class ChildRun(PendingChild child) : DelegateRun
    {
        public override ChildOutput Wait() => child.Wait();
        public override void Dispose() => child.Dispose();
    }
}
