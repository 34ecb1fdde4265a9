using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;

namespace Cni.Conformance.Subjects;

/// <summary>
/// [ipam] plugins run directly, as a main plugin would delegate to them: the whole plugin object on
/// stdin, with `ipam.type` naming the plugin. host-local keeps its store in the case's temp dataDir.
/// </summary>
public sealed class IpamSubject(Plugin plugin) : Subject(plugin)
{
    public const string Subnet = "10.66.0.0/24";
    public const string StaticAddress = "10.77.0.5/24";

    public bool IsHostLocal => Plugin.Name == "host-local";

    public override bool UsesStore => IsHostLocal;

    public override JsonObject Config(Sandbox s, string version) => Config(s, version, Subnet);

    public JsonObject Config(Sandbox s, string version, string subnet)
    {
        var c = Base(s, version);
        c["ipam"] = IsHostLocal ? HostLocal(s, subnet)
            : new JsonObject
            {
                ["type"] = "static",
                ["addresses"] = new JsonArray(new JsonObject { ["address"] = StaticAddress, ["gateway"] = "10.77.0.1" }),
            };
        return c;
    }

    public override JsonObject? InvalidConfig(Sandbox s, string version)
    {
        var c = Config(s, version);
        if (IsHostLocal) ((JsonObject)c["ipam"]!).Remove("ranges");
        else c["ipam"]!["addresses"] = new JsonArray(new JsonObject { ["address"] = "not-an-address" });
        return c;
    }

    public override List<string> VerifyPresent(Sandbox s, JsonElement? result)
    {
        if (!IsHostLocal || result is not { } r) return [];
        var p = new List<string>();
        foreach (var a in ResultShape.Addresses(r))
        {
            var file = Path.Combine(s.StoreDir, a.Split('/')[0]);
            if (!File.Exists(file)) p.Add($"no reservation file for {a} in the store");
            else if (!File.ReadAllText(file).Contains(s.ContainerId, StringComparison.Ordinal))
                p.Add($"reservation {a} does not name container {s.ContainerId}");
        }
        return p;
    }
}
