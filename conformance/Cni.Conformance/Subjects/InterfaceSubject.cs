using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;

namespace Cni.Conformance.Subjects;

/// <summary>
/// [if] plugins: bridge, macvlan, ipvlan, vxlan. Each ADD creates CNI_IFNAME in the container netns and
/// reserves an address through host-local in the case's temp dataDir. Parent links live in the throwaway host netns.
/// </summary>
public sealed class InterfaceSubject(Plugin plugin) : Subject(plugin)
{
    private const string Parent = "cpar0";
    private static readonly Lazy<string?> s_ipvlanMissing = new(() => KernelLacks("ipvlan"));

    public override bool UsesStore => true;

    public override string? Unavailable => Plugin.Name == "ipvlan" ? s_ipvlanMissing.Value : null;

    /// <summary>Bridge name unique per case (the host netns is per case too, but names in reports stay distinct).</summary>
    public static string BridgeName(Sandbox s) => $"cbr{s.Serial}";

    public override IEnumerable<string> SharedHostLinks(Sandbox s)
        => Plugin.Name switch { "bridge" => [BridgeName(s)], "vxlan" => [$"cvx{s.Serial}", $"vxlan{4100 + s.Serial % 1000}"], _ => [] };

    public override void Prepare(Sandbox s)
    {
        if (Plugin.Name is "macvlan" or "ipvlan" or "vxlan")
        {
            // dummy is missing on this kernel: a veth pair gives a parent/underlay link that is up.
            s.Host.Ip("link", "add", Parent, "type", "veth", "peer", "name", "cpar1");
            s.Host.Ip("link", "set", "cpar1", "up");
            s.Host.Ip("link", "set", Parent, "up");
            if (Plugin.Name == "vxlan") s.Host.Ip("addr", "add", "192.0.2.1/24", "dev", Parent);
        }
    }

    public override JsonObject Config(Sandbox s, string version) => Config(s, version, HostLocal(s));

    public JsonObject Config(Sandbox s, string version, JsonObject? ipam)
    {
        var c = Base(s, version);
        switch (Plugin.Name)
        {
            case "bridge":
                c["bridge"] = BridgeName(s);
                c["isGateway"] = true;
                break;
            case "macvlan":
            case "ipvlan":
                c["master"] = Parent;
                break;
            case "vxlan":
                // One host, no peers: a single-host segment (bridge cvxN + device vxlanVNI on cpar0, local 192.0.2.1).
                // The plugin's lock and attachment records go to the case's temp dir, not /run/cni/vxlan.
                c["vni"] = 4100 + s.Serial % 1000;
                c["underlay"] = Parent;
                c["bridge"] = $"cvx{s.Serial}";
                c["stateDir"] = System.IO.Path.Combine(s.DataDir, "vxlan-state");
                break;
        }
        if (ipam != null) c["ipam"] = ipam;
        return c;
    }

    public override JsonObject? InvalidConfig(Sandbox s, string version)
    {
        var c = Config(s, version);
        switch (Plugin.Name)
        {
            case "bridge": c["vlan"] = 5000; break;
            case "vxlan": c["vni"] = 1 << 25; break;
            default: c["master"] = "nosuch0"; break;
        }
        return c;
    }

    public override List<string> VerifyPresent(Sandbox s, JsonElement? result)
    {
        var p = new List<string>();
        if (LinkState.Link(s.Container, s.IfName) == null)
        {
            p.Add($"{s.IfName} does not exist in the container netns");
            return p;
        }
        var have = LinkState.Addresses(s.Container, s.IfName);
        if (result is { } r)
            foreach (var a in ResultShape.Addresses(r))
                if (!have.Contains(a)) p.Add($"result address {a} is not on {s.IfName} (has {string.Join(", ", have)})");
        if (Plugin.Name == "bridge" && s.Host.IpJson("link", "show", "master", BridgeName(s)).GetArrayLength() == 0)
            p.Add($"no host port is enslaved to bridge {BridgeName(s)}");
        if (Plugin.Name == "vxlan")
        {
            var ports = s.Host.IpJson("link", "show", "master", $"cvx{s.Serial}").EnumerateArray()
                .Select(l => l.GetProperty("ifname").GetString()).ToList();
            if (!ports.Contains($"vxlan{4100 + s.Serial % 1000}")) p.Add($"vxlan{4100 + s.Serial % 1000} is not a port of bridge cvx{s.Serial}");
            if (ports.Count < 2) p.Add($"no container veth is a port of bridge cvx{s.Serial}");
        }
        return p;
    }

    public override List<string> VerifyGone(Sandbox s)
    {
        var p = base.VerifyGone(s);
        if (LinkState.Link(s.Container, s.IfName) != null) p.Add($"{s.IfName} still exists in the container netns");
        var veths = s.Host.IpJson("link", "show", "type", "veth").EnumerateArray()
            .Select(l => l.GetProperty("ifname").GetString()).Where(n => n is not ("cpar0" or "cpar1")).ToList();
        if (veths.Count > 0) p.Add($"host veth(s) left: {string.Join(", ", veths)}");
        return p;
    }

    /// <summary>Probes the kernel for a link kind in a throwaway netns; returns the reason it is missing, or null.</summary>
    public static string? KernelLacks(string kind)
    {
        using var ns = Netns.Create("probe");
        var r = ns.TryIp("link", "add", "probe0", "type", kind);
        return r.Ok ? null : $"the kernel has no {kind} ({r.Stderr.Trim()})";
    }
}
