using System.Net;
using Cni.Sdk;

namespace Cni.Plugins.Vxlan;

/// <summary>
/// Where a network's remote VTEPs come from when it floods by head-end replication (no multicast group). ADD
/// asks for the current list and reconciles the VXLAN device's all-zero-MAC FDB entries against it, so a peer
/// that left the list loses its entry on the next ADD. <see cref="StaticPeerSource"/> is the config's list; a
/// store-backed source (a file, etcd, the Kubernetes API) implements the same two members and is chosen by
/// <c>peers.source</c> in <see cref="VxlanConfig"/>.
/// </summary>
public interface IPeerSource
{
    /// <summary>What the source is, for messages ("static list of 3 hosts").</summary>
    string Describe { get; }

    /// <summary>
    /// The remote VTEP addresses now (the local address may be among them; callers skip it). Throws
    /// <see cref="CniException"/> with <see cref="CniErrorCode.NotReady"/> when the source cannot be read.
    /// </summary>
    IReadOnlyList<IPAddress> Peers();
}

/// <summary>The peers listed in the config (<c>"peers": [...]</c> or <c>{"source":"static","hosts":[...]}</c>).</summary>
public sealed class StaticPeerSource(IReadOnlyList<IPAddress> hosts) : IPeerSource
{
    public string Describe => $"static list of {hosts.Count} host(s)";

    public IReadOnlyList<IPAddress> Peers() => hosts;
}
