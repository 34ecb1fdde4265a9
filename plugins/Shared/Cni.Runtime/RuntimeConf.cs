using System.Text.Json;

namespace Cni.Runtime;

/// <summary>
/// What one attachment is: the container, its netns, the interface name, CNI_ARGS pairs and the capability args
/// the runtime offers (portMappings, ips, mac...). Each plugin sees only the capabilities it declares.
/// </summary>
public sealed record RuntimeConf
{
    public required string ContainerId { get; init; }

    /// <summary>A netns path; may be empty or gone for DEL.</summary>
    public string NetNs { get; init; } = "";

    public required string IfName { get; init; }

    /// <summary>CNI_ARGS as ordered pairs, joined "K=V;K=V".</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Args { get; init; } = [];

    /// <summary>Capability name to its JSON value (digest 2.6), e.g. "portMappings" to an array.</summary>
    public IReadOnlyDictionary<string, JsonElement> CapabilityArgs { get; init; } = new Dictionary<string, JsonElement>();

    internal string ArgsString => string.Join(';', Args.Select(a => a.Key + "=" + a.Value));
}
