namespace Cni.Sdk;

/// <summary>
/// The spec's well-known error codes (SPEC.md "Error", plus 8 and 999 from the reference's types.go).
/// The numbers are the wire values: runtimes act on them (3 = no DEL needed, 11 = retry, 50/51 = STATUS).
/// </summary>
public enum CniErrorCode : uint
{
    /// <summary>The config's cniVersion is not supported, or the verb is not allowed in it.</summary>
    IncompatibleVersion = 1,
    /// <summary>A config field is not supported; the message must name the key and value.</summary>
    UnsupportedField = 2,
    /// <summary>The container is unknown or gone: tells the runtime no DEL is needed.</summary>
    UnknownContainer = 3,
    /// <summary>Missing or invalid CNI_* variables; the message names them.</summary>
    InvalidEnvironment = 4,
    /// <summary>I/O failure, e.g. reading stdin.</summary>
    IoFailure = 5,
    /// <summary>Content could not be decoded (JSON, version strings, addresses).</summary>
    DecodingFailure = 6,
    /// <summary>The network config is invalid.</summary>
    InvalidNetworkConfig = 7,
    /// <summary>CNI_NETNS is unusable.</summary>
    InvalidNetNs = 8,
    /// <summary>A temporary condition (lock contention, EAGAIN): the runtime should retry.</summary>
    TryAgainLater = 11,
    /// <summary>STATUS: the plugin cannot serve ADD now.</summary>
    NotReady = 50,
    /// <summary>STATUS: cannot serve ADD, and existing containers may have degraded connectivity.</summary>
    Degraded = 51,
    /// <summary>Anything without a better code; the skel puts the cause chain in details.</summary>
    Internal = 999,
}
