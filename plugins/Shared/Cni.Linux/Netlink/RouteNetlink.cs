using Cni.Linux.Interop;
using Cni.Linux.Netns;

namespace Cni.Linux.Netlink;

/// <summary>
/// The route-netlink API (NETLINK_ROUTE): links, addresses, routes, neighbours and bridge FDB entries of
/// one network namespace, the one the socket was opened in. Split by object kind into partial files
/// (RouteNetlink.Links.cs, .Addresses.cs, .Routes.cs, .Neighbors.cs). Each public operation names the
/// `ip`/`bridge` command it matches. Not thread-safe: one request at a time per instance.
/// </summary>
public sealed partial class RouteNetlink : IDisposable
{
    private readonly NetlinkSocket _socket;

    private RouteNetlink(NetlinkSocket socket) => _socket = socket;

    /// <summary>Opens a socket in the calling thread's namespace (the host's, in a plugin).</summary>
    public static RouteNetlink Open() => new(NetlinkSocket.Open(NetlinkConst.NETLINK_ROUTE));

    /// <summary>
    /// Opens a socket inside <paramref name="netns"/>: created there once via <see cref="NetNs.Run{T}"/>, then
    /// usable from any thread, because a netlink socket stays bound to the namespace it was created in.
    /// </summary>
    public static RouteNetlink OpenIn(NetNs netns) => netns.Run(Open);

    /// <summary>Opens the namespace at <paramref name="netnsPath"/> just long enough to open a socket inside it.</summary>
    public static RouteNetlink OpenIn(string netnsPath)
    {
        using var netns = NetNs.Open(netnsPath);
        return OpenIn(netns);
    }

    /// <summary>The socket's netlink port id (useful in diagnostics).</summary>
    public uint PortId => _socket.PortId;

    internal NetlinkSocket Socket => _socket;

    public void Dispose() => _socket.Dispose();
}
