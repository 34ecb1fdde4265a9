using System.Text.RegularExpressions;
using Cni.TestKit;
using DotNet.Testcontainers.Containers;

namespace Cni.E2E.Tests;

/// <summary>
/// podman (CNI backend, our out/bin as its only plugin directory) driven through Testcontainers on its
/// Docker-compatible socket. Every check reads real state: addresses and links with `ip -j` in the e2e host
/// namespace, rules with `nft -j`, host-local's lease files, and TCP traffic between real containers.
/// </summary>
public sealed partial class PodmanCniTests(PodmanHost host)
{
    private TestNetns Ns => host.HostNs!;

    [Fact]
    public async Task Network_is_created_with_the_requested_subnet_on_our_chain()
    {
        host.Require();
        await using var net = await E2eNetwork.CreateAsync(host);

        // podman wrote its default CNI chain for the network into the test's own config dir.
        var conf = net.Conflist();
        Assert.Equal(net.Name, conf.GetProperty("name").GetString());
        var types = conf.GetProperty("plugins").EnumerateArray().Select(p => p.GetProperty("type").GetString() ?? "").ToArray();
        Assert.Equal(["bridge", "portmap", "firewall", "tuning"], types);
        var range = conf.GetProperty("plugins")[0].GetProperty("ipam").GetProperty("ranges")[0][0];
        Assert.Equal(net.Subnet, range.GetProperty("subnet").GetString());
        Assert.Equal(net.Gateway, range.GetProperty("gateway").GetString());
        Assert.Equal(0, host.Podman("network", "exists", net.Name).ExitCode);

        // The first attachment makes the bridge (ours: bridge plugin) with the gateway address of that subnet,
        // and the container's eth0 gets an address from it (ours: host-local), which podman reports back.
        await using var c = await net.StartContainerAsync("exec sleep 600");
        var bridge = net.BridgeName();
        Assert.Equal([net.Gateway + "/24"], HostState.Ipv4(Ns, bridge));
        var inside = await c.ExecAsync(["ip", "-4", "-o", "addr", "show", "dev", "eth0"], TestContext.Current.CancellationToken);
        Assert.Equal(0, inside.ExitCode);
        var addr = Inet().Match(inside.Stdout);
        Assert.True(addr.Success, "no IPv4 on eth0: " + inside.Stdout);
        Assert.StartsWith(net.Prefix, addr.Groups[1].Value);
        Assert.Equal("24", addr.Groups[2].Value);
        Assert.Equal(addr.Groups[1].Value, c.IpAddress);
        Assert.Contains(addr.Groups[1].Value, net.Leases());
    }

    [Fact]
    public async Task Two_containers_talk_over_tcp_by_address()
    {
        host.Require();
        await using var net = await E2eNetwork.CreateAsync(host);
        var marker = "m" + Guid.NewGuid().ToString("N");
        await using var server = await net.StartHttpdAsync(marker);
        await using var client = await net.StartContainerAsync("exec sleep 600");
        Assert.NotEqual(server.IpAddress, client.IpAddress);
        Assert.StartsWith(net.Prefix, server.IpAddress);

        // Both veths hang off the one bridge; the request crosses it from one container to the other.
        Assert.Equal(2, HostState.BridgePorts(Ns, net.BridgeName()).Length);
        var reply = await client.ExecAsync(
            ["sh", "-c", $"printf 'GET /marker.txt HTTP/1.0\\r\\n\\r\\n' | nc -w 5 {server.IpAddress} 8080"],
            TestContext.Current.CancellationToken);
        Assert.True(reply.ExitCode == 0, $"nc failed ({reply.ExitCode}): {reply.Stderr}");
        Assert.StartsWith("HTTP/1.1 200", reply.Stdout);
        Assert.Contains(marker, reply.Stdout);
    }

    [Fact]
    public async Task Published_port_answers_from_the_host()
    {
        host.Require();
        const int hostPort = 18080;
        await using var net = await E2eNetwork.CreateAsync(host);
        var marker = "p" + Guid.NewGuid().ToString("N");
        await using var server = await net.StartHttpdAsync(marker, b => b.WithPortBinding(hostPort, 8080));
        Assert.Equal(hostPort, server.GetMappedPublicPort(8080));

        // ours: portmap's DNAT for this container, tagged with its ID.
        var dnat = HostState.RulesMentioning(Ns, server.Id[..12]).Where(r => r.StartsWith("cni_portmap/", StringComparison.Ordinal));
        Assert.NotEmpty(dnat);

        // From the e2e host: the loopback address (route_localnet + masquerade) and the host's own bridge address.
        foreach (var address in new[] { "127.0.0.1", net.Gateway })
        {
            var reply = HostState.HttpGetFrom(Ns, address, hostPort, "/marker.txt");
            Assert.StartsWith("HTTP/1.1 200", reply);
            Assert.Contains(marker, reply);
        }
    }

    [Fact]
    public async Task Container_removal_leaves_no_veth_rule_or_lease()
    {
        host.Require();
        await using var net = await E2eNetwork.CreateAsync(host);
        // A neighbour stays, so what disappears is the removed container's state, not the whole network's.
        await using var stays = await net.StartContainerAsync("exec sleep 600");
        var server = await net.StartHttpdAsync("gone", b => b.WithPortBinding(18081, 8080));
        string id = server.Id, ip = server.IpAddress;
        var bridge = net.BridgeName();
        string[] vethsBefore, rulesBefore;
        // The container's network namespace, bind-mounted by podman under /run/netns (CNI_NETNS of the DEL).
        var sandbox = host.Podman("inspect", "--format", "{{.NetworkSettings.SandboxKey}}", id)
            .EnsureSuccess("podman inspect").Stdout.Trim();
        try
        {
            Assert.StartsWith("/run/netns/", sandbox);
            Assert.True(File.Exists(sandbox), sandbox + " does not exist");
            vethsBefore = HostState.BridgePorts(Ns, bridge);
            Assert.Equal(2, vethsBefore.Length);
            rulesBefore = HostState.RulesMentioning(Ns, id[..12]);
            // bridge (ipMasq), portmap (DNAT + hairpin/localhost masquerade), firewall (forward accepts).
            Assert.Contains(rulesBefore, r => r.StartsWith("cni_portmap/", StringComparison.Ordinal));
            Assert.Contains(rulesBefore, r => r.StartsWith("cni_firewall/", StringComparison.Ordinal));
            Assert.Contains(ip, net.Leases());
            Assert.Contains(id, File.ReadAllText(Path.Combine(net.LeaseDir, ip)));
        }
        finally
        {
            await server.DisposeAsync(); // stop + rm through the API: podman runs CNI DEL on our chain
        }

        Assert.False(File.Exists(sandbox), sandbox + " is still there");
        var vethsAfter = HostState.BridgePorts(Ns, bridge);
        Assert.Single(vethsAfter);
        Assert.Equal(vethsAfter, HostState.Veths(Ns));
        Assert.Empty(HostState.RulesMentioning(Ns, id[..12]));
        Assert.DoesNotContain(ip, net.Leases());
        Assert.Equal([stays.IpAddress], net.Leases());
        Assert.NotEmpty(HostState.RulesMentioning(Ns, stays.Id[..12]));
    }

    [Fact]
    public async Task Network_removal_removes_its_conflist_and_bridge()
    {
        host.Require();
        await using var net = await E2eNetwork.CreateAsync(host);
        string bridge;
        await using (var c = await net.StartContainerAsync("exec sleep 600"))
        {
            bridge = net.BridgeName();
            Assert.True(HostState.LinkExists(Ns, bridge));
        }
        Assert.Empty(HostState.BridgePorts(Ns, bridge));
        Assert.Empty(net.Leases());
        Assert.Empty(HostState.RulesMentioning(Ns, "net: " + net.Name + " "));

        await net.DeleteAsync();
        Assert.False(File.Exists(net.ConflistPath), net.ConflistPath + " is still there");
        Assert.Equal(1, host.Podman("network", "exists", net.Name).ExitCode);
        Assert.False(HostState.LinkExists(Ns, bridge), bridge + " is still there");
        Assert.Empty(HostState.Veths(Ns));
    }

    [GeneratedRegex(@"inet (\d+\.\d+\.\d+\.\d+)/(\d+)")]
    private static partial Regex Inet();
}
