using System.Text.Json;
using Cni.TestKit;

namespace Cni.E2E.Tests;

/// <summary>Read-back of what podman's CNI calls left in the e2e host namespace (`ip -j`, `nft -j`).</summary>
public static class HostState
{
    /// <summary>Names of the links enslaved to <paramref name="bridge"/> (the containers' host-side veths).</summary>
    public static string[] BridgePorts(TestNetns ns, string bridge)
        => [.. ns.IpJson("link", "show", "master", bridge).EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!)];

    /// <summary>Every veth in the namespace.</summary>
    public static string[] Veths(TestNetns ns)
        => [.. ns.IpJson("-d", "link", "show", "type", "veth").EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!)];

    public static bool LinkExists(TestNetns ns, string name)
        => ns.IpJson("link").EnumerateArray().Any(l => l.GetProperty("ifname").GetString() == name);

    /// <summary>The IPv4 addresses (addr/prefix) on <paramref name="link"/>.</summary>
    public static string[] Ipv4(TestNetns ns, string link)
        => [.. ns.IpJson("-4", "addr", "show", "dev", link).EnumerateArray()
            .SelectMany(l => l.GetProperty("addr_info").EnumerateArray())
            .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}")];

    /// <summary>
    /// The nft rules (as "table/chain: text" summaries) whose comment contains <paramref name="needle"/>: our
    /// plugins tag every per-attachment rule with the network name and container ID.
    /// </summary>
    public static string[] RulesMentioning(TestNetns ns, string needle)
    {
        var r = ns.Exec("nft", "-j", "list", "ruleset").EnsureSuccess("nft -j list ruleset");
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(r.Stdout) ? "{\"nftables\":[]}" : r.Stdout);
        var hits = new List<string>();
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("rule", out var rule)) continue;
            var comment = rule.TryGetProperty("comment", out var c) ? c.GetString() ?? "" : "";
            if (comment.Contains(needle, StringComparison.Ordinal))
                hits.Add($"{rule.GetProperty("table").GetString()}/{rule.GetProperty("chain").GetString()}: {comment}");
        }
        return [.. hits];
    }

    /// <summary>
    /// Sends an HTTP/1.0 GET from a socket inside <paramref name="ns"/> (the e2e host) and returns the whole
    /// reply, retrying connection refusals briefly (DNAT rules land just after the container starts).
    /// </summary>
    public static string HttpGetFrom(TestNetns ns, string address, int port, string path)
    {
        using var handle = Cni.Linux.Netns.NetNs.Open(ns.Path);
        return handle.Run(() =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                try
                {
                    // The socket is created on this thread, so it belongs to the e2e host namespace for good.
                    using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
                        System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                    socket.ReceiveTimeout = socket.SendTimeout = 5000;
                    if (!socket.ConnectAsync(System.Net.IPAddress.Parse(address), port).Wait(5000))
                        throw new TimeoutException($"connect {address}:{port} timed out");
                    using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
                    stream.Write(System.Text.Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n"));
                    using var reader = new StreamReader(stream);
                    return reader.ReadToEnd();
                }
                catch (Exception e) when (DateTime.UtcNow < deadline && e is System.Net.Sockets.SocketException or AggregateException)
                {
                    Thread.Sleep(200);
                }
            }
        });
    }
}
