using System.Text.Json;
using Cni.Sdk;

namespace Cni.Runtime;

/// <summary>
/// Reads network configuration the way libcni does (digest 2.1-2.2): .conflist files first, in byte order of
/// their names, then the deprecated single-plugin .conf/.json files; the first whose <c>name</c> matches wins.
/// Structural problems are code 7, unparsable JSON code 6, and every message names the file.
/// </summary>
public static class ConfLoader
{
    /// <summary>Finds network <paramref name="name"/> in <paramref name="dir"/> (like libcni LoadNetworkConf).</summary>
    public static NetworkConfigList Load(string dir, string name)
    {
        var lists = Files(dir, ".conflist");
        foreach (var file in lists)
        {
            var list = LoadFile(file);
            if (list.Name == name) return list;
        }
        var singles = Files(dir, ".conf", ".json");
        foreach (var file in singles)
        {
            var bytes = Read(file);
            var root = ParseRoot(bytes, file);
            if (root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() == name)
                return FromConf(bytes, file);
        }
        if (lists.Count == 0 && singles.Count == 0)
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"no net configurations found in {dir}");
        throw new CniException(CniErrorCode.InvalidNetworkConfig, $"no net configuration with name \"{name}\" in {dir}");
    }

    /// <summary>
    /// Loads one .conflist file. Unless <c>loadOnlyInlinedPlugins</c> is true, plugin objects in
    /// <c>&lt;dir&gt;/&lt;name&gt;/*.conf</c> are appended after the inlined ones (digest 2.2, ambiguity 20).
    /// </summary>
    public static NetworkConfigList LoadFile(string path)
    {
        var list = ParseList(Read(path), path);
        var plugins = list.Plugins.ToList();
        if (!list.LoadOnlyInlinedPlugins)
        {
            foreach (var file in Files(Path.Combine(Path.GetDirectoryName(path) ?? ".", list.Name), ".conf"))
                plugins.Add(ParsePlugin(ParseRoot(Read(file), file), file));
        }
        if (plugins.Count == 0)
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"{path}: no plugin configs found");
        return With(list, plugins);
    }

    /// <summary>Parses .conflist bytes (no sibling directory is consulted).</summary>
    public static NetworkConfigList ParseList(byte[] bytes, string where = "network config list")
    {
        var root = ParseRoot(bytes, where);
        if (!root.TryGetProperty("name", out var n)) throw Invalid(where, "no name");
        if (n.ValueKind != JsonValueKind.String) throw Invalid(where, $"invalid name type {n.ValueKind}");
        var name = n.GetString()!;
        var version = ResolveVersion(root, where);
        bool onlyInlined = ReadBool(root, "loadOnlyInlinedPlugins", where);
        var plugins = new List<PluginConfig>();
        if (root.TryGetProperty("plugins", out var p))
        {
            if (p.ValueKind != JsonValueKind.Array) throw Invalid(where, $"invalid 'plugins' type {p.ValueKind}");
            if (p.GetArrayLength() == 0) throw Invalid(where, "no plugins in list");
            int i = 0;
            foreach (var item in p.EnumerateArray()) plugins.Add(ParsePlugin(item, $"{where}: plugins[{i++}]"));
        }
        else if (onlyInlined)
        {
            throw Invalid(where, "`loadOnlyInlinedPlugins` is true, and no 'plugins' key");
        }
        return new NetworkConfigList
        {
            Name = name,
            CniVersion = version,
            DisableCheck = ReadBool(root, "disableCheck", where),
            DisableGC = ReadBool(root, "disableGC", where),
            LoadOnlyInlinedPlugins = onlyInlined,
            Plugins = plugins,
            Bytes = bytes,
        };
    }

    /// <summary>
    /// Promotes a single-plugin .conf to a list <c>{name, cniVersion, plugins:[conf]}</c>, as libcni's
    /// ConfListFromConf does; the cache then records those list bytes.
    /// </summary>
    public static NetworkConfigList FromConf(byte[] bytes, string where = "network config")
    {
        var root = ParseRoot(bytes, where);
        var plugin = ParsePlugin(root, where);
        var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
        var version = root.TryGetProperty("cniVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        var listBytes = RuntimeJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("cniVersion", version);
            w.WriteString("name", name);
            w.WritePropertyName("plugins");
            w.WriteStartArray();
            plugin.Raw.WriteTo(w);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return ParseList(listBytes, where);
    }

    /// <summary>
    /// <c>cniVersions</c> (1.1): versions newer than this runtime (1.1.0) are dropped, <c>cniVersion</c> joins the
    /// list, and the highest wins. Without the list, <c>cniVersion</c> is used as written.
    /// </summary>
    private static string ResolveVersion(JsonElement root, string where)
    {
        string version = "";
        if (root.TryGetProperty("cniVersion", out var v))
        {
            if (v.ValueKind != JsonValueKind.String) throw Invalid(where, $"invalid cniVersion type {v.ValueKind}");
            version = v.GetString()!;
        }
        if (!root.TryGetProperty("cniVersions", out var vs)) return version;
        if (vs.ValueKind != JsonValueKind.Array) throw Invalid(where, $"invalid type for cniVersions: {vs.ValueKind}");
        var candidates = new List<string>();
        int i = 0;
        foreach (var item in vs.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw Invalid(where, $"invalid type for cniVersions index {i}: {item.ValueKind}");
            var s = item.GetString()!;
            if (!NewerThanRuntime(s, where)) candidates.Add(s);
            i++;
        }
        if (version.Length > 0 && !NewerThanRuntime(version, where)) candidates.Add(version);
        return candidates.Count == 0 ? version : candidates.MaxBy(c => c, Comparer<string>.Create(CniVersions.Compare))!;
    }

    private static bool NewerThanRuntime(string version, string where)
    {
        try
        {
            return CniVersions.Compare(version, CniVersions.Current) > 0;
        }
        catch (CniException e)
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"{where}: invalid cniVersions entry {version}", e.Message);
        }
    }

    /// <summary>libcni accepts a JSON boolean or the strings "true"/"false" (any case) for the list flags.</summary>
    private static bool ReadBool(JsonElement root, string key, string where)
    {
        if (!root.TryGetProperty(key, out var v)) return false;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        if (v.ValueKind == JsonValueKind.String)
        {
            var s = v.GetString()!.ToLowerInvariant();
            if (s == "true") return true;
            if (s == "false") return false;
            throw Invalid(where, $"invalid value \"{s}\" for {key}");
        }
        throw Invalid(where, $"invalid type {v.ValueKind} for {key}");
    }

    private static PluginConfig ParsePlugin(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Invalid(where, "a plugin config must be a JSON object");
        var plugin = new PluginConfig(e.Clone());
        if (plugin.Type.Length == 0) throw Invalid(where, "missing 'type'");
        return plugin;
    }

    private static JsonElement ParseRoot(byte[] bytes, string where)
    {
        JsonElement root;
        try
        {
            root = RuntimeJson.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new CniException(CniErrorCode.DecodingFailure, $"{where}: error parsing configuration: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object) throw Invalid(where, "expected a JSON object");
        return root;
    }

    /// <summary>Regular files with one of the extensions, sorted by name in byte order (Go's sort.Strings).</summary>
    internal static List<string> Files(string dir, params string[] extensions)
    {
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir)
            .Where(f => extensions.Contains(Path.GetExtension(f), StringComparer.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
    }

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IoFailure, $"error reading {path}", e.Message);
        }
    }

    private static NetworkConfigList With(NetworkConfigList l, List<PluginConfig> plugins) => new()
    {
        Name = l.Name,
        CniVersion = l.CniVersion,
        DisableCheck = l.DisableCheck,
        DisableGC = l.DisableGC,
        LoadOnlyInlinedPlugins = l.LoadOnlyInlinedPlugins,
        Plugins = plugins,
        Bytes = l.Bytes,
    };

    private static CniException Invalid(string where, string what)
        => new(CniErrorCode.InvalidNetworkConfig, $"{where}: error parsing configuration list: {what}");
}
