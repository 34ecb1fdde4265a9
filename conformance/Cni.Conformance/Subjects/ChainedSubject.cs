using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;

namespace Cni.Conformance.Subjects;

/// <summary>
/// [ch] plugins: portmap, tuning, firewall. The runner plays the part of the earlier plugin in the
/// chain: it makes a veth pair (host end in the host netns, CNI_IFNAME in the container) with an
/// address, and hands a matching prevResult in the config's version.
/// </summary>
public sealed class ChainedSubject(Plugin plugin) : Subject(plugin)
{
    public const string HostVeth = "hveth0";
    public const string ContainerIp = "10.88.0.2/24";
    public const string Gateway = "10.88.0.1";
    public const string RequestedMac = "c2:11:22:33:44:55";
    public const int HostPort = 18080;

    public override void Prepare(Sandbox s)
    {
        s.Host.Ip("link", "add", HostVeth, "type", "veth", "peer", "name", s.IfName, "netns", s.Container.Name);
        s.Host.Ip("addr", "add", Gateway + "/24", "dev", HostVeth);
        s.Host.Ip("link", "set", HostVeth, "up");
        s.Container.Ip("addr", "add", ContainerIp, "dev", s.IfName);
        s.Container.Ip("link", "set", s.IfName, "up");
        s.Notes["mac"] = LinkState.Mac(s.Container, s.IfName) ?? "";
    }

    public override JsonObject PrevResult(Sandbox s, string version) => ResultBuilder.Build(version,
        [new(HostVeth, LinkState.Mac(s.Host, HostVeth) ?? "", null), new(s.IfName, s.Notes["mac"], s.Container.Path)],
        [new(ContainerIp, Gateway, 1)]);

    public override JsonObject Config(Sandbox s, string version)
    {
        var c = PlainConfig(s, version);
        switch (Plugin.Name)
        {
            case "portmap":
                c["capabilities"] = new JsonObject { ["portMappings"] = true };
                c["runtimeConfig"] = new JsonObject
                {
                    ["portMappings"] = new JsonArray(new JsonObject { ["hostPort"] = HostPort, ["containerPort"] = 80, ["protocol"] = "tcp" }),
                };
                break;
            case "tuning":
                c["capabilities"] = new JsonObject { ["mac"] = true };
                c["runtimeConfig"] = new JsonObject { ["mac"] = RequestedMac };
                break;
        }
        return c;
    }

    public override JsonObject PlainConfig(Sandbox s, string version)
    {
        var c = Base(s, version);
        // tuning saves the original link attributes under dataDir; keep them in the case's temp dir.
        if (Plugin.Name == "tuning") c["dataDir"] = Path.Combine(s.DataDir, "tuning");
        return c;
    }

    public override List<string> VerifyPresent(Sandbox s, JsonElement? result)
    {
        var p = new List<string>();
        switch (Plugin.Name)
        {
            case "portmap":
                if (!s.Host.Ruleset().Contains(HostPort.ToString(), StringComparison.Ordinal))
                    p.Add($"no NAT rule for host port {HostPort} in the host netns");
                break;
            case "firewall":
                if (!s.Host.Ruleset().Contains(ContainerIp.Split('/')[0], StringComparison.Ordinal))
                    p.Add($"no firewall rule for {ContainerIp} in the host netns");
                break;
            case "tuning":
                var mac = LinkState.Mac(s.Container, s.IfName);
                if (mac != RequestedMac) p.Add($"{s.IfName} MAC is {mac}, requested {RequestedMac}");
                if (result is { } r && r.TryGetProperty("interfaces", out var ifs)
                    && !ifs.EnumerateArray().Any(i => i.TryGetProperty("mac", out var m) && m.GetString() == RequestedMac))
                    p.Add("the output's interfaces do not carry the requested MAC");
                break;
        }
        return p;
    }

    public override List<string> VerifyGone(Sandbox s)
    {
        var p = new List<string>();
        switch (Plugin.Name)
        {
            case "portmap":
                if (s.Host.Ruleset().Contains(HostPort.ToString(), StringComparison.Ordinal))
                    p.Add($"NAT rule for host port {HostPort} still present after DEL");
                break;
            case "firewall":
                if (s.Host.Ruleset().Contains(ContainerIp.Split('/')[0], StringComparison.Ordinal))
                    p.Add($"firewall rule for {ContainerIp} still present after DEL");
                break;
            case "tuning":
                var mac = LinkState.Mac(s.Container, s.IfName);
                if (mac != null && mac != s.Notes["mac"]) p.Add($"MAC {mac} was not restored to {s.Notes["mac"]} by DEL");
                break;
        }
        return p;
    }

    /// <summary>Undoes the plugin's work behind its back (C48) and says what was done.</summary>
    public string BreakState(Sandbox s)
    {
        if (Plugin.Name == "tuning")
        {
            s.Container.Ip("link", "set", s.IfName, "address", "02:00:00:00:00:99");
            return "changed the MAC to 02:00:00:00:00:99";
        }
        // The host netns is the case's own: flushing it removes exactly this plugin's NAT/filter state.
        s.Host.Exec("nft", ["flush", "ruleset"]);
        return "flushed the host netns ruleset";
    }
}
