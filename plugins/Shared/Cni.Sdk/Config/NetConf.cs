using System.Text.Json;

namespace Cni.Sdk;

/// <summary>
/// The keys every plugin object shares, parsed once by the skel. Plugin-specific keys stay in <see cref="Raw"/>
/// (unknown keys are kept, never rejected): plugins read them with their own source-generated context or
/// from the element.
/// </summary>
public sealed partial class NetConf
{
    /// <summary>"0.1.0" when missing or empty, as the reference's DecodeVersion does.</summary>
    public string CniVersion { get; init; } = "0.1.0";
    public string Name { get; init; } = "";
    public string Type { get; init; } = "";

    /// <summary>Only the boolean entries; anything else in <c>capabilities</c> is tolerated and ignored.</summary>
    public IReadOnlyDictionary<string, bool> Capabilities { get; init; } = new Dictionary<string, bool>();
    public IpamConfig? Ipam { get; init; }
    public DnsConfig? Dns { get; init; }
    public bool IpMasq { get; init; }
    public JsonElement? RuntimeConfig { get; init; }
    public JsonElement? Args { get; init; }

    /// <summary>Parsed in <see cref="CniVersion"/>'s family, held in the 1.1 model.</summary>
    public Result? PrevResult { get; init; }

    /// <summary>
    /// GC only: <c>cni.dev/valid-attachments</c>, else the 1.1.0 tag's <c>cni.dev/attachments</c>
    /// (libcni sends both); null when neither is present.
    /// </summary>
    public IReadOnlyList<Attachment>? ValidAttachments { get; init; }

    /// <summary>The whole stdin object.</summary>
    public JsonElement Raw { get; init; }
}
