using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;

namespace Cni.Conformance.Subjects;

/// <summary>
/// What the runner knows about driving one plugin: a config suited to it, the setup its ADD needs
/// (a parent link, an existing container interface) and how to read back "it is there" / "it is gone".
/// One subclass per plugin family; the checks stay generic.
/// </summary>
public abstract class Subject(Plugin plugin)
{
    public Plugin Plugin { get; } = plugin;

    /// <summary>Why this plugin cannot be exercised on this machine (names what is missing), or null.</summary>
    public virtual string? Unavailable => null;

    /// <summary>True when ADD reserves addresses in the case's host-local store.</summary>
    public virtual bool UsesStore => false;

    /// <summary>The plugin object (cniVersion, name, type and its own keys) for one case.</summary>
    public abstract JsonObject Config(Sandbox s, string version);

    /// <summary>A config with which ADD has nothing to change (C34); chained plugins only.</summary>
    public virtual JsonObject PlainConfig(Sandbox s, string version) => Config(s, version);

    /// <summary>Setup done in the sandbox before any verb runs.</summary>
    public virtual void Prepare(Sandbox s) { }

    /// <summary>The prevResult ADD needs (chained plugins), in <paramref name="version"/>'s shape.</summary>
    public virtual JsonObject? PrevResult(Sandbox s, string version) => null;

    /// <summary>Problems with the real state after a successful ADD that printed <paramref name="result"/>.</summary>
    public virtual List<string> VerifyPresent(Sandbox s, JsonElement? result) => [];

    /// <summary>Problems with the real state after DEL (what should be gone but is not).</summary>
    public virtual List<string> VerifyGone(Sandbox s) => s.Reservations() is { Count: > 0 } r && UsesStore
        ? [$"IP reservation(s) still in the store: {string.Join(", ", r)}"] : [];

    /// <summary>
    /// Host links that belong to the network rather than to one attachment (the bridge itself): creating
    /// them before a failed ADD is not a leak, and DEL keeps them by design.
    /// </summary>
    public virtual IEnumerable<string> SharedHostLinks(Sandbox s) => [];

    /// <summary>A config the plugin must reject as invalid (C23), or null when the plugin has none to offer.</summary>
    public virtual JsonObject? InvalidConfig(Sandbox s, string version) => null;

    protected static JsonObject Base(Sandbox s, string version) =>
        new() { ["cniVersion"] = version, ["name"] = s.NetName, ["type"] = s.Plugin.Name };

    /// <summary>host-local IPAM in the case's temp dataDir (never /var/lib/cni/networks).</summary>
    public static JsonObject HostLocal(Sandbox s, string subnet = "10.66.0.0/24", JsonArray? routes = null)
    {
        var ipam = new JsonObject
        {
            ["type"] = "host-local",
            ["dataDir"] = s.DataDir,
            ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = subnet })),
        };
        if (routes != null) ipam["routes"] = routes;
        return ipam;
    }

    public static Subject For(Plugin p) => p.Name switch
    {
        "loopback" => new LoopbackSubject(p),
        "bridge" or "macvlan" or "ipvlan" or "vxlan" => new InterfaceSubject(p),
        "host-local" or "static" => new IpamSubject(p),
        _ => new ChainedSubject(p),
    };
}
