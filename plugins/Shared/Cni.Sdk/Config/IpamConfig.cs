using System.Text.Json;

namespace Cni.Sdk;

/// <summary>
/// The <c>ipam</c> object: its <see cref="Type"/> names the delegate binary; IPAM plugins read their own
/// keys from <see cref="Raw"/>. An empty type means "no IPAM" (bridge's pure L2 mode).
/// </summary>
public sealed class IpamConfig
{
    public string Type { get; init; } = "";

    /// <summary>The whole <c>ipam</c> object, unknown keys included.</summary>
    public JsonElement Raw { get; init; }
}
