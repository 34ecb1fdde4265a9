namespace Cni.Sdk;

/// <summary>What a verb handler gets: the CNI_* environment, the raw stdin and its parsed common keys.</summary>
public sealed class CmdArgs
{
    public required string Command { get; init; }
    public string ContainerId { get; init; } = "";
    /// <summary>Empty for DEL when the runtime has no netns any more, and for GC/STATUS.</summary>
    public string Netns { get; init; } = "";
    public string IfName { get; init; } = "";
    /// <summary>Raw CNI_ARGS ("" when unset); parse with <see cref="CniArgsParser"/>.</summary>
    public string Args { get; init; } = "";
    /// <summary>CNI_PATH split on ':' (empty entries dropped).</summary>
    public IReadOnlyList<string> Path { get; init; } = [];
    /// <summary>The exact stdin bytes: delegates (IPAM) must receive these unchanged.</summary>
    public byte[] StdinData { get; init; } = [];
    public required NetConf Config { get; init; }
    /// <summary>The full environment the plugin was started with, passed on to delegates.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
