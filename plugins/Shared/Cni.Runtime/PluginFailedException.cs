using Cni.Sdk;

namespace Cni.Runtime;

/// <summary>
/// A plugin answered with an error (or crashed). Keeps the plugin's own code, msg and details, and says which
/// plugin and verb: <c>plugin type="bridge" failed (add): ...</c>, libcni's wording.
/// </summary>
public sealed class PluginFailedException : CniException
{
    public PluginFailedException(string pluginType, string verb, CniErrorCode code, string msg, string? details)
        : base(code, $"plugin type=\"{pluginType}\" failed ({verb}): {msg}", details)
    {
        PluginType = pluginType;
        Verb = verb;
        PluginMessage = msg;
    }

    public string PluginType { get; }
    public string Verb { get; }

    /// <summary>The plugin's <c>msg</c> without the runtime's prefix.</summary>
    public string PluginMessage { get; }
}
