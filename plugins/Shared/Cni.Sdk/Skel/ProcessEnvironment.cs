using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Cni.Sdk;

/// <summary>
/// The process environment as a dictionary, read on first use. Most verbs never look at it (only IPAM
/// delegation and a few plugins do), and copying every variable through a Hashtable into a dictionary was
/// measurable in every plugin's start-up, so the copy waits until someone asks.
/// </summary>
internal sealed class ProcessEnvironment : IReadOnlyDictionary<string, string>
{
    private Dictionary<string, string>? _values;

    private Dictionary<string, string> Values => _values ??= Read();

    public string this[string key] => Values[key];
    public IEnumerable<string> Keys => Values.Keys;
    IEnumerable<string> IReadOnlyDictionary<string, string>.Values => Values.Values;
    public int Count => Values.Count;

    public bool ContainsKey(string key) => Values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => Values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static Dictionary<string, string> Read()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            if (e.Key is string k && e.Value is string v) env[k] = v;
        return env;
    }
}
