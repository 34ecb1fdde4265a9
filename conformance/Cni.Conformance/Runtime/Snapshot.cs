using System.Text.Json;

namespace Cni.Conformance.Runtime;

/// <summary>
/// The observable state a case cares about: links in both namespaces, the IPAM store and the host's
/// nftables ruleset. Taken before and after a failing operation to prove "nothing was left behind".
/// </summary>
public sealed record Snapshot(HashSet<string> HostLinks, HashSet<string> ContainerLinks, HashSet<string> Reservations, HashSet<string> Rules)
{
    public static Snapshot Take(Sandbox s) => new(
        [.. Links(s.Host).Except(s.Subject.SharedHostLinks(s))], Links(s.Container), [.. s.Reservations()],
        [.. s.Host.Ruleset().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)]);

    public static HashSet<string> Links(Netns ns)
        => [.. ns.IpJson("link", "show").EnumerateArray().Select(l => l.GetProperty("ifname").GetString() ?? "")];

    /// <summary>What exists now that did not exist in <paramref name="before"/>; empty = no leftovers.</summary>
    public List<string> LeftoversSince(Snapshot before)
    {
        var p = new List<string>();
        void Diff(string what, HashSet<string> now, HashSet<string> then)
        {
            var extra = now.Except(then).ToList();
            if (extra.Count > 0) p.Add($"{what} left behind: {string.Join(", ", extra)}");
        }
        Diff("host link(s)", HostLinks, before.HostLinks);
        Diff("container link(s)", ContainerLinks, before.ContainerLinks);
        Diff("IP reservation(s)", Reservations, before.Reservations);
        Diff("firewall rule(s)", Rules, before.Rules);
        return p;
    }
}

/// <summary>Small `ip -j` read-backs used by several checks.</summary>
public static class LinkState
{
    public static JsonElement? Link(Netns ns, string name)
    {
        var a = ns.IpJson("addr", "show", "dev", name);
        return a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0 ? a[0] : null;
    }

    public static string? Mac(Netns ns, string name)
        => Link(ns, name) is { } l && l.TryGetProperty("address", out var m) ? m.GetString() : null;

    public static bool IsUp(Netns ns, string name)
        => Link(ns, name) is { } l && l.TryGetProperty("flags", out var f) && f.EnumerateArray().Any(x => x.GetString() == "UP");

    /// <summary>Addresses on the link as "ip/prefix".</summary>
    public static List<string> Addresses(Netns ns, string name)
    {
        var list = new List<string>();
        if (Link(ns, name) is { } l && l.TryGetProperty("addr_info", out var ai))
            foreach (var a in ai.EnumerateArray())
                list.Add($"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}");
        return list;
    }
}
