using System.Text;
using System.Text.Json;
using Cni.Linux.Exec;

namespace Cni.Sdk;

/// <summary>
/// Executes the IPAM binary as the reference does (pkg/invoke; one posix_spawn through <see cref="ChildProcess"/>,
/// not System.Diagnostics.Process, whose threads and machinery cost more than the delegate itself): found in CNI_PATH, run with the caller's own
/// environment with only CNI_COMMAND replaced, fed the exact stdin bytes the caller received, its stderr copied
/// to ours. A failing delegate's error object is rethrown with the delegate's own code and "&lt;type&gt;: " in
/// front of its message, so the runtime sees where it came from. When <see cref="CmdArgs.Environment"/> is empty
/// (a hand-built CmdArgs), this process's environment is used instead, as Go's delegate does with os.Environ().
/// When the binary found is our own of a type this binary registered with <see cref="InProcessIpam"/>, the
/// same call runs on a thread in this process instead, with the same inputs and outputs.
/// </summary>
public sealed class ExecIpam : IIpamInvoker
{
    private readonly TextWriter _stderr;

    /// <param name="stderr">Where the delegate's stderr is copied; our stderr by default.</param>
    public ExecIpam(TextWriter? stderr = null) => _stderr = stderr ?? StdErr.Writer;

    public Result Add(CmdArgs a) => Decode(a, Exec(a, "ADD"));

    public void Del(CmdArgs a) => Exec(a, "DEL");
    public void Check(CmdArgs a) => Exec(a, "CHECK");
    public void Gc(CmdArgs a) => Exec(a, "GC");
    public void Status(CmdArgs a) => Exec(a, "STATUS");

    /// <summary>Spawns the delegate for ADD and returns at once; finishing parses its output exactly as <see cref="Add"/>.</summary>
    public IpamCall<Result> StartAdd(CmdArgs a) => Start(a, "ADD", stdout => Decode(a, stdout));

    /// <summary>Spawns the delegate for DEL and returns at once; finishing reports its failure exactly as <see cref="Del"/>.</summary>
    public IpamCall<bool> StartDel(CmdArgs a) => Start(a, "DEL", _ => true);

    /// <summary>
    /// Finds <paramref name="type"/> in the CNI_PATH directories. A missing binary is code 7 (invalid network
    /// config): the config names a plugin this host does not have, which retrying will not fix. The reference
    /// says 999 "failed to find plugin".
    /// </summary>
    public static string Find(string type, IReadOnlyList<string> path)
    {
        if (string.IsNullOrEmpty(type))
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "no IPAM type configured", "\"ipam\" needs a \"type\"");
        if (type.Contains('/') || type is "." or "..")
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"invalid IPAM plugin name \"{type}\"",
                "a plugin type is a file name, not a path");
        foreach (var dir in path)
        {
            var candidate = System.IO.Path.Combine(dir, type);
            if (File.Exists(candidate)) return candidate;
        }
        throw new CniException(CniErrorCode.InvalidNetworkConfig, $"failed to find plugin \"{type}\" in path [{string.Join(" ", path)}]");
    }

    private static string TypeOf(CmdArgs a) => a.Config.Ipam?.Type ?? "";

    private byte[] Exec(CmdArgs a, string verb)
    {
        using var child = Spawn(a, verb, out string type);
        return Collect(type, child);
    }

    /// <summary>
    /// Spawns the delegate (from this thread, so in this thread's netns: the host's) and wraps the wait in an
    /// <see cref="IpamCall{T}"/>. A delegate that cannot be found or started is a failed call, not an exception
    /// here, so a caller has one place (finishing) where IPAM errors appear.
    /// </summary>
    private IpamCall<T> Start<T>(CmdArgs a, string verb, Func<byte[], T> parse)
    {
        DelegateRun child;
        string type;
        try
        {
            child = Spawn(a, verb, out type);
        }
        catch (CniException e)
        {
            return IpamCall<T>.Failed(e);
        }
        return IpamCall<T>.Pending(() =>
        {
            using (child) return parse(Collect(type, child));
        });
    }

    private static DelegateRun Spawn(CmdArgs a, string verb, out string type)
    {
        type = TypeOf(a);
        string file = Find(type, a.Path);
        var env = new Dictionary<string, string>(a.Environment.Count > 0 ? a.Environment : new ProcessEnvironment(), StringComparer.Ordinal)
        {
            ["CNI_COMMAND"] = verb,
        };
        if (InProcessIpam.For(type, file) is { } plugin) return InProcessIpam.Start(plugin, env, a.StdinData);
        try
        {
            return DelegateRun.Of(ChildProcess.Start(file, env, a.StdinData));
        }
        catch (ChildProcess.SpawnException e)
        {
            throw new CniException(CniErrorCode.Internal, $"{type}: cannot execute {file}", e.Message, e);
        }
    }

    /// <summary>Waits for the delegate, copies its stderr to ours; its stdout, or its error as a CniException.</summary>
    private byte[] Collect(string type, DelegateRun child)
    {
        var p = child.Wait();
        var stderr = Encoding.UTF8.GetString(p.Stderr);
        if (stderr.Length > 0) _stderr.Write(stderr);
        if (p.ExitCode != 0) throw DelegateError(type, p.ExitCode, p.Stdout, stderr);
        return p.Stdout;
    }

    private static Result Decode(CmdArgs a, byte[] stdout)
    {
        try
        {
            return ResultJson.Decode(stdout, a.Config.CniVersion);
        }
        catch (CniException e)
        {
            throw new CniException(e.Code, $"{TypeOf(a)}: {e.Message}", e.Details, e);
        }
    }

    /// <summary>The delegate's error object, or (like libcni) its stderr text when stdout holds none.</summary>
    private static CniException DelegateError(string type, int exitCode, byte[] stdout, string stderr)
    {
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            var e = doc.RootElement;
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out var c) && c.TryGetUInt32(out uint code)
                && e.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String)
            {
                string? details = e.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                return new CniException((CniErrorCode)code, $"{type}: {m.GetString()}", details);
            }
        }
        catch (JsonException)
        {
        }
        var text = Encoding.UTF8.GetString(stdout).Trim();
        if (text.Length == 0) text = stderr.Trim();
        return new CniException(CniErrorCode.Internal, $"{type}: exited with status {exitCode}", text.Length > 0 ? text : null);
    }
}
