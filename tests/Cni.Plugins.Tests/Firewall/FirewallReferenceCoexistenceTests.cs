using Cni.Linux.Firewall;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Firewall;

/// <summary>
/// Our iptables backend shares the reference's chains (CNI-FORWARD, CNI-ISOLATION-STAGE-1/2) on a host where the
/// reference firewall already ran: our isolation lines must land before its trailing RETURNs, the isolation jump
/// must stay above CNI-FORWARD, and our DEL must leave the reference's lines alone.
/// </summary>
public class FirewallReferenceCoexistenceTests
{
    [Fact]
    public void SharesTheReferenceChainsWithoutBreakingThem()
    {
        var reference = Path.Combine(Repo.ReferenceBin, "firewall");
        Requires.Binary(reference, "Debian's reference firewall plugin (containernetworking-plugins)");
        using var lab = new FirewallLab();
        using var refNs = TestNetns.Create("fwref");
        const string refPrev = """{"cniVersion":"1.0.0","interfaces":[{"name":"cnibr9"},{"name":"eth0","sandbox":"/x"}],"ips":[{"interface":1,"address":"10.59.0.2/24"}]}""";
        string refConf = $$"""{"cniVersion":"1.0.0","name":"refnet","type":"firewall","backend":"iptables","ingressPolicy":"same-bridge","prevResult":{{refPrev}}}""";
        var env = new Dictionary<string, string?>
        {
            ["CNI_COMMAND"] = "ADD", ["CNI_CONTAINERID"] = "r1", ["CNI_NETNS"] = refNs.Path, ["CNI_IFNAME"] = "eth0", ["CNI_PATH"] = Repo.ReferenceBin,
        };
        var refAdd = lab.Host.Exec(reference, [], env, refConf);
        Assert.True(refAdd.ExitCode == 0, "reference ADD: " + refAdd.Stdout + refAdd.Stderr);
        string before = lab.IptablesSave();

        var (c1, r1) = lab.Attach("c1", "ournet", "cnibr0", "10.31.0.0/24");
        string extra = "\"backend\":\"iptables\",\"ingressPolicy\":\"same-bridge\"";
        lab.Ok("ADD", "c1", c1.Path, lab.Conf("ournet", extra, r1));

        var lines = lab.IptablesSave().Split('\n').ToList();
        string tag = new FirewallOwner("ournet", "c1", "eth0").Tag;
        int ourStage2 = lines.FindIndex(l => l.StartsWith("-A CNI-ISOLATION-STAGE-2 -o cnibr0", StringComparison.Ordinal) && l.Contains(tag));
        int refReturn = lines.FindIndex(l => l == "-A CNI-ISOLATION-STAGE-2 -j RETURN");
        Assert.True(ourStage2 >= 0 && (refReturn < 0 || ourStage2 < refReturn), string.Join('\n', lines));
        int stage1Jump = lines.FindIndex(l => l.StartsWith("-A FORWARD", StringComparison.Ordinal) && l.EndsWith("-j CNI-ISOLATION-STAGE-1", StringComparison.Ordinal));
        int forwardJump = lines.FindIndex(l => l.StartsWith("-A FORWARD", StringComparison.Ordinal) && l.EndsWith("-j CNI-FORWARD", StringComparison.Ordinal));
        Assert.True(stage1Jump >= 0 && stage1Jump < forwardJump, string.Join('\n', lines));
        Assert.Single(lines, l => l.StartsWith("-A FORWARD", StringComparison.Ordinal) && l.EndsWith("-j CNI-FORWARD", StringComparison.Ordinal));

        lab.Ok("DEL", "c1", null, lab.Conf("ournet", extra));
        // Everything the reference wrote is still there, and nothing of ours.
        var after = lab.IptablesSave().Split('\n').Where(l => l.StartsWith('-')).ToList();
        Assert.Equal(before.Split('\n').Where(l => l.StartsWith('-')).Order(), after.Order()); // the shared chains and jumps were the reference's: we added none
        Assert.Equal(0, lab.OurRules());
    }

    /// <summary>An isolation jump already in FORWARD (and no CNI-FORWARD yet): the accepts' jump goes below it.</summary>
    [Fact]
    public void ForwardJumpGoesBelowAnExistingIsolationJump()
    {
        using var lab = new FirewallLab();
        foreach (var cmd in new[] { "-N CNI-ISOLATION-STAGE-1", "-A CNI-ISOLATION-STAGE-1 -j RETURN", "-A FORWARD -j ACCEPT", "-I FORWARD 1 -j CNI-ISOLATION-STAGE-1" })
            lab.Host.Exec("iptables", cmd.Split(' ')).EnsureSuccess("iptables " + cmd);
        const string prev = """{"cniVersion":"1.0.0","interfaces":[{"name":"cnibr0"},{"name":"eth0","sandbox":"/x"}],"ips":[{"interface":1,"address":"10.31.0.2/24"}]}""";
        lab.Ok("ADD", "c1", lab.Outside.Path, lab.Conf("ournet", "\"backend\":\"iptables\",\"prevResult\":" + prev, version: "1.0.0"));
        var forward = lab.IptablesSave().Split('\n').Where(l => l.StartsWith("-A FORWARD ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, forward.Count);
        Assert.EndsWith("-j CNI-ISOLATION-STAGE-1", forward[0]);
        Assert.EndsWith("-j CNI-FORWARD", forward[1]);
        Assert.Equal("-A FORWARD -j ACCEPT", forward[2]);
        lab.Ok("DEL", "c1", null, lab.Conf("ournet", "\"backend\":\"iptables\"", version: "1.0.0"));
        Assert.Equal(0, lab.OurRules());
    }
}
