using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Conformance.Runtime;

namespace Cni.Conformance.Subjects;

/// <summary>loopback: no keys of its own, always works on `lo` (ignores CNI_IFNAME), ADD sets it up and DEL down.</summary>
public sealed class LoopbackSubject(Plugin plugin) : Subject(plugin)
{
    public override JsonObject Config(Sandbox s, string version) => Base(s, version);

    public override void Prepare(Sandbox s) => s.Container.Ip("link", "set", "lo", "down");

    public override List<string> VerifyPresent(Sandbox s, JsonElement? result)
        => LinkState.IsUp(s.Container, "lo") ? [] : ["lo is not up in the container netns after ADD"];

    public override List<string> VerifyGone(Sandbox s)
        => LinkState.IsUp(s.Container, "lo") ? ["lo is still up in the container netns after DEL"] : [];
}
