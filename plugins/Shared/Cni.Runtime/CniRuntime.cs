using System.Text.Json;
using Cni.Sdk;

namespace Cni.Runtime;

/// <summary>
/// What libcni does for a container runtime: runs a network list's plugins in order for ADD (each getting the
/// previous result), in reverse for DEL, CHECK with the cached result, GC and STATUS; injects name, cniVersion,
/// prevResult and the capability args each plugin declares; and keeps each final ADD result in the cache.
/// </summary>
public sealed partial class CniRuntime
{
    private readonly IPluginExec _exec;

    /// <param name="pluginPath">Directories searched for plugin binaries, in order (CNI_PATH).</param>
    /// <param name="cacheDir">Where results/ lives; libcni's default is /var/lib/cni.</param>
    public CniRuntime(IReadOnlyList<string> pluginPath, string cacheDir, IPluginExec? exec = null)
    {
        PluginPath = pluginPath;
        Cache = new ResultCache(cacheDir);
        _exec = exec ?? new ProcessPluginExec();
    }

    public IReadOnlyList<string> PluginPath { get; }
    public ResultCache Cache { get; }

    /// <summary>Where plugin stderr goes (libcni forwards it to its own stderr); null drops it.</summary>
    public TextWriter? PluginStderr { get; set; }

    /// <summary>
    /// ADD through the whole chain; the first failure stops it (the caller should DEL, as the spec asks of
    /// runtimes). Returns the last plugin's result, which is also cached for CHECK and DEL.
    /// </summary>
    public JsonElement Add(NetworkConfigList list, RuntimeConf rt)
    {
        Validate(list, rt);
        JsonElement? prev = null;
        foreach (var plugin in list.Plugins)
        {
            var stdout = Invoke("ADD", plugin, list, rt, prev);
            prev = ParseResult(stdout, plugin, list);
        }
        var result = prev!.Value;
        Cache.Write(new CachedAttachment
        {
            ContainerId = rt.ContainerId,
            NetworkName = list.Name,
            IfName = rt.IfName,
            Config = list.Bytes,
            NetNs = rt.NetNs,
            CniArgs = rt.Args,
            CapabilityArgs = rt.CapabilityArgs,
            Result = result,
        });
        return result;
    }

    /// <summary>
    /// CHECK every plugin in order with the cached ADD result as prevResult. Below 0.4.0 CHECK does not exist
    /// (code 1); <c>disableCheck</c> makes it a no-op.
    /// </summary>
    public void Check(NetworkConfigList list, RuntimeConf rt)
    {
        if (!CniVersions.AtLeast(list.EffectiveVersion, "0.4.0"))
            throw new CniException(CniErrorCode.IncompatibleVersion,
                $"configuration version \"{list.CniVersion}\" does not support the CHECK command");
        if (list.DisableCheck) return;
        Validate(list, rt);
        var cached = CachedResult(list, rt);
        foreach (var plugin in list.Plugins) Invoke("CHECK", plugin, list, rt, cached);
    }

    /// <summary>
    /// DEL in reverse order, stopping at the first failure; from 0.4.0 on each plugin gets the cached result.
    /// An unreadable cache entry is dropped and DEL goes on without prevResult (plugins must cope). The entry is
    /// removed only when every plugin succeeded, so a failed DEL can be retried with the same prevResult.
    /// </summary>
    public void Del(NetworkConfigList list, RuntimeConf rt)
    {
        Validate(list, rt);
        JsonElement? cached = null;
        if (CniVersions.AtLeast(list.EffectiveVersion, "0.4.0"))
        {
            try
            {
                cached = CachedResult(list, rt);
            }
            catch (CniException)
            {
                Cache.Delete(list.Name, rt.ContainerId, rt.IfName);
            }
        }
        for (int i = list.Plugins.Count - 1; i >= 0; i--) Invoke("DEL", list.Plugins[i], list, rt, cached);
        Cache.Delete(list.Name, rt.ContainerId, rt.IfName);
    }

    /// <summary>The cached ADD result converted to the list's version (libcni's getCachedResult), or null.</summary>
    public JsonElement? CachedResult(NetworkConfigList list, RuntimeConf rt)
    {
        var entry = Cache.Read(list.Name, rt.ContainerId, rt.IfName);
        return entry?.Result is { } r ? ResultVersions.Convert(r, list.EffectiveVersion) : null;
    }

    private static void Validate(NetworkConfigList list, RuntimeConf rt)
    {
        if (!Validation.IsValidId(rt.ContainerId))
            throw new CniException(CniErrorCode.InvalidEnvironment, $"invalid container ID \"{rt.ContainerId}\"",
                "must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$");
        if (!Validation.IsValidNetworkName(list.Name))
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"invalid network name \"{list.Name}\"");
        if (Validation.InterfaceNameProblem(rt.IfName) is { } problem)
            throw new CniException(CniErrorCode.InvalidEnvironment, $"invalid interface name \"{rt.IfName}\": {problem}");
    }

    private byte[] Invoke(string verb, PluginConfig plugin, NetworkConfigList list, RuntimeConf rt, JsonElement? prevResult)
    {
        var inject = new List<KeyValuePair<string, Action<Utf8JsonWriter>>>
        {
            new("name", w => w.WriteStringValue(list.Name)),
            new("cniVersion", w => w.WriteStringValue(list.CniVersion)),
        };
        if (prevResult is { } prev) inject.Add(new("prevResult", prev.WriteTo));
        if (ConfigInjector.RuntimeConfig(plugin, rt) is { } runtimeConfig) inject.Add(new("runtimeConfig", runtimeConfig));
        var stdin = ConfigInjector.Build(plugin.Raw, inject);
        return Exec(verb, plugin, stdin, rt.ContainerId, rt.NetNs, rt.IfName, rt.ArgsString);
    }

    /// <summary>Runs one plugin; the CNI_* variables are always all set, empty when unused, as libcni does.</summary>
    private byte[] Exec(string verb, PluginConfig plugin, byte[] stdin, string containerId, string netns, string ifName, string args)
    {
        string path;
        try
        {
            path = PluginLocator.Find(plugin.Type, PluginPath);
        }
        catch (CniException e)
        {
            throw new PluginFailedException(plugin.Type, verb.ToLowerInvariant(), e.Code, e.Message, e.Details);
        }
        var env = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = verb,
            ["CNI_CONTAINERID"] = containerId,
            ["CNI_NETNS"] = netns,
            ["CNI_IFNAME"] = ifName,
            ["CNI_ARGS"] = args,
            ["CNI_PATH"] = string.Join(':', PluginPath),
        };
        var output = _exec.Run(path, stdin, env);
        if (output.Stderr.Length > 0) PluginStderr?.Write(output.Stderr);
        if (output.ExitCode != 0) throw PluginErrors.FromOutput(plugin.Type, verb, output);
        return output.Stdout;
    }

    /// <summary>An ADD must print one result object that decodes in the list's version family.</summary>
    private static JsonElement ParseResult(byte[] stdout, PluginConfig plugin, NetworkConfigList list)
    {
        try
        {
            var e = RuntimeJson.Parse(stdout);
            ResultJson.Decode(e, ResultVersions.LabelOf(e, list.EffectiveVersion));
            return e;
        }
        catch (Exception e) when (e is JsonException or CniException)
        {
            var text = System.Text.Encoding.UTF8.GetString(stdout).Trim();
            throw new PluginFailedException(plugin.Type, "add", CniErrorCode.DecodingFailure,
                "plugin printed no valid result", $"{e.Message}; stdout: {(text.Length == 0 ? "(empty)" : text)}");
        }
    }
}
