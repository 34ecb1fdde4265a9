using System.Text.Json;

namespace Cni.Runtime;

/// <summary>
/// One entry of the result cache, field for field libcni's <c>cniCacheV1</c> record, so either runtime can
/// DEL what the other added.
/// </summary>
public sealed record CachedAttachment
{
    public required string ContainerId { get; init; }
    public required string NetworkName { get; init; }
    public required string IfName { get; init; }

    /// <summary>The network list bytes as loaded (JSON: base64, Go's encoding of []byte).</summary>
    public byte[] Config { get; init; } = [];

    public string NetNs { get; init; } = "";
    public IReadOnlyList<KeyValuePair<string, string>> CniArgs { get; init; } = [];
    public IReadOnlyDictionary<string, JsonElement> CapabilityArgs { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The chain's final ADD result, in the version the last plugin printed.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>The runtime parameters this attachment was added with (used to DEL it from GC).</summary>
    public RuntimeConf ToRuntimeConf() => new()
    {
        ContainerId = ContainerId,
        NetNs = NetNs,
        IfName = IfName,
        Args = CniArgs,
        CapabilityArgs = CapabilityArgs,
    };
}
