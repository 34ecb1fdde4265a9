using System.Text.Json;
using Cni.Linux.Netns;

namespace Cni.Sdk;

/// <summary>
/// The skel: reads the CNI_* environment and stdin, validates them in the reference's order (so a runtime sees
/// the same code when an input has several faults), calls the plugin and prints exactly one JSON document:
/// the ADD result, the VERSION answer or an error. Everything it touches is injected, so tests drive it in-process.
/// </summary>
public sealed partial class Dispatcher
{
    private static readonly string[] s_knownVerbs = ["ADD", "DEL", "CHECK", "VERSION", "GC", "STATUS"];

    private readonly Func<string, string?> _getenv;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Stream _stdin;
    private readonly Stream _stdout;
    private readonly TextWriter _stderr;

    public Dispatcher(Func<string, string?> getenv, IReadOnlyDictionary<string, string> environment, Stream stdin, Stream stdout, TextWriter stderr)
    {
        _getenv = getenv;
        _environment = environment;
        _stdin = stdin;
        _stdout = stdout;
        _stderr = stderr;
    }

    /// <summary>
    /// Whether a CNI_NETNS path is the plugin's own network namespace (code 8 for ADD and DEL). Injectable for
    /// tests; the default compares nsfs identities and answers false when the path cannot be opened, because a
    /// missing netns is the handler's business (DEL must still succeed then).
    /// </summary>
    public Func<string, bool> IsOwnNetns { get; init; } = DefaultIsOwnNetns;

    /// <summary>Runs one invocation and returns the process exit code (0 success, 1 error).</summary>
    public int Run(ICniPlugin plugin, string about)
    {
        var command = _getenv("CNI_COMMAND") ?? "";
        if (command.Length == 0)
        {
            // The reference prints its about text instead of an env error, so a human running the binary gets help.
            _stderr.WriteLine(about);
            _stderr.WriteLine("CNI protocol versions supported: " + string.Join(", ", plugin.SupportedVersions));
            return 0;
        }
        try
        {
            var output = Dispatch(plugin, command);
            if (output is not null) Write(output);
            return 0;
        }
        catch (CniException e)
        {
            return Fail(e);
        }
        catch (JsonException e)
        {
            return Fail(new CniException(CniErrorCode.DecodingFailure, e.Message));
        }
        catch (Exception e)
        {
            return Fail(new CniException(CniErrorCode.Internal, e.Message, Chain(e)));
        }
    }

    /// <summary>Returns the bytes to print on success (null for verbs that print nothing).</summary>
    private byte[]? Dispatch(ICniPlugin plugin, string command)
    {
        var env = ReadEnvironment(command);
        if (command == "VERSION") return VersionAnswer(plugin);

        byte[] stdin = ReadStdin();
        var root = NetConf.ParseObject(stdin);
        CheckName(root);
        if (Array.IndexOf(s_knownVerbs, command) < 0)
            throw new CniException(CniErrorCode.InvalidEnvironment, $"unknown CNI_COMMAND: {command}");
        var version = NetConf.ReadVersion(root);
        CheckVersion(plugin, command, version);

        var args = new CmdArgs
        {
            Command = command,
            ContainerId = env.ContainerId,
            Netns = env.Netns,
            IfName = env.IfName,
            Args = env.Args,
            Path = env.Path,
            StdinData = stdin,
            Config = NetConf.FromJson(root),
            Environment = _environment,
        };
        CheckNotOwnNetns(command, env.Netns);
        switch (command)
        {
            case "ADD":
                return ResultJson.Encode(plugin.Add(args) ?? throw new InvalidOperationException("ADD returned no result"), version);
            case "DEL": plugin.Del(args); break;
            case "CHECK": plugin.Check(args); break;
            case "GC": plugin.Gc(args); break;
            default: plugin.Status(args); break;
        }
        return null;
    }

    private byte[] ReadStdin()
    {
        try
        {
            using var ms = new MemoryStream();
            _stdin.CopyTo(ms);
            return ms.ToArray();
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IoFailure, "error reading from stdin", e.Message);
        }
    }

    /// <summary>Step 3: the name is required and must be safe as a file name (host-local makes a directory of it).</summary>
    private static void CheckName(JsonElement root)
    {
        if (!root.TryGetProperty("name", out var n) || n.ValueKind == JsonValueKind.Null)
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "missing network name");
        // A non-string name is "invalid", not undecodable: the document itself parsed fine.
        if (n.ValueKind != JsonValueKind.String)
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "invalid network name", "\"name\" must be a string");
        var name = n.GetString();
        if (string.IsNullOrEmpty(name)) throw new CniException(CniErrorCode.InvalidNetworkConfig, "missing network name");
        if (!Validation.IsValidNetworkName(name))
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "invalid network name",
                $"network name \"{name}\" must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$ and contain no \"..\"");
    }

    /// <summary>Steps 5-6: the per-verb numeric gates first, then exact-string support.</summary>
    private static void CheckVersion(ICniPlugin plugin, string command, string version)
    {
        string? min = command switch { "CHECK" => "0.4.0", "GC" or "STATUS" => "1.1.0", _ => null };
        if (min is not null && !CniVersions.AtLeast(version, min))
            throw new CniException(CniErrorCode.IncompatibleVersion, $"config version does not allow {command}",
                $"{command} needs cniVersion {min} or later, config is \"{version}\"");
        var supported = plugin.SupportedVersions;
        bool found = false;
        for (int i = 0; i < supported.Count && !found; i++) found = string.Equals(supported[i], version, StringComparison.Ordinal);
        if (!found)
            throw new CniException(CniErrorCode.IncompatibleVersion, "incompatible CNI versions",
                $"config is \"{version}\", plugin supports [{string.Join(" ", supported.Select(v => $"\"{v}\""))}]");
    }

    /// <summary>
    /// Step 8: configuring the plugin's own namespace as a container's would rewire the host. The reference runs
    /// this check after the handler (printing a result and then an error); it runs before here, so nothing
    /// is created. CNI_NETNS_OVERRIDE=1/true skips it, as in the reference.
    /// </summary>
    private void CheckNotOwnNetns(string command, string netns)
    {
        if (command is not ("ADD" or "DEL") || netns.Length == 0) return;
        if ((_getenv("CNI_NETNS_OVERRIDE") ?? "").ToLowerInvariant() is "1" or "true") return;
        if (IsOwnNetns(netns))
            throw new CniException(CniErrorCode.InvalidNetNs, "plugin's netns and netns from CNI_NETNS should not be the same",
                $"CNI_NETNS={netns} is the plugin's own network namespace; set CNI_NETNS_OVERRIDE=1 to allow it");
    }

    private static bool DefaultIsOwnNetns(string path)
    {
        try
        {
            return NetNs.IsProcessNamespace(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    private static byte[] VersionAnswer(ICniPlugin plugin) => CniJson.Write(w =>
    {
        // The reference prints its own library version here, not the caller's.
        w.WriteStartObject();
        w.WriteString("cniVersion", CniVersions.Current);
        w.WriteStartArray("supportedVersions");
        foreach (var v in plugin.SupportedVersions) w.WriteStringValue(v);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private int Fail(CniException e)
    {
        try
        {
            Write(ErrorJson.Encode(e));
        }
        catch (IOException io)
        {
            _stderr.WriteLine($"cannot write error to stdout: {io.Message}; error was {e}");
        }
        return 1;
    }

    private void Write(byte[] bytes)
    {
        _stdout.Write(bytes);
        _stdout.Flush();
    }

    /// <summary>The cause chain, one "Type: message" per level, so a 999 still says where it came from.</summary>
    private static string Chain(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException) parts.Add($"{x.GetType().Name}: {x.Message}");
        return string.Join(" ---> ", parts);
    }
}
