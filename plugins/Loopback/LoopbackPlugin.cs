using System.Net.Sockets;
using Cni.Linux.Netlink;
using Cni.Sdk;

namespace Cni.Plugins.Loopback;

/// <summary>
/// Brings `lo` up in the container. CNI_IFNAME is ignored (always `lo`), as in the reference; a repeated ADD
/// succeeds. Unlike the reference, a config below 0.3.0 gets a real 0.1/0.2 result (ip4/ip6), not a 1.x shape
/// with an old label.
/// </summary>
public sealed class LoopbackPlugin : ICniPlugin
{
    private const string Lo = "lo";

    public Result Add(CmdArgs args)
    {
        using var netns = ContainerNetns.Open(args);
        using var nl = RouteNetlink.OpenIn(netns);
        var lo = nl.GetLink(Lo);
        nl.SetLinkUp(lo.Index);
        var addresses = nl.ListAddresses(lo.Index);
        foreach (var a in addresses)
            if (!System.Net.IPAddress.IsLoopback(a.Cidr.Address))
                throw new CniException(CniErrorCode.Internal, $"loopback interface in {args.Netns} carries a non-loopback address {a.Cidr}");

        // Chained after another plugin: pass its result on unchanged.
        if (args.Config.PrevResult is { } prev) return prev;

        var result = new Result();
        result.Interfaces.Add(new Interface { Name = Lo, Mac = "00:00:00:00:00:00", Sandbox = args.Netns });
        AddFirst(result, addresses, AddressFamily.InterNetwork);
        AddFirst(result, addresses, AddressFamily.InterNetworkV6);
        return result;
    }

    /// <summary>The reference reports the first address of each family on lo (127.0.0.1/8, ::1/128).</summary>
    private static void AddFirst(Result result, List<InterfaceAddress> addresses, AddressFamily family)
    {
        var first = addresses.FirstOrDefault(a => a.Cidr.Family == family);
        if (first is not null) result.Ips.Add(new IpConfig { Interface = 0, Address = first.Cidr });
    }

    public void Del(CmdArgs args)
    {
        // Empty or vanished namespace: the container is gone, and lo with it.
        using var netns = ContainerNetns.OpenIfExists(args);
        if (netns is null) return;
        using var nl = RouteNetlink.OpenIn(netns);
        if (nl.TryGetLink(Lo, out var lo)) nl.SetLinkDown(lo.Index);
    }

    public void Check(CmdArgs args)
    {
        using var netns = ContainerNetns.Open(args);
        using var nl = RouteNetlink.OpenIn(netns);
        var lo = nl.GetLink(Lo);
        if (!lo.IsUp) throw new CniException(CniErrorCode.Internal, $"loopback interface in {args.Netns} is down");
    }
}
