using System.Net;
using System.Net.Sockets;
using Cni.Linux.Netns;

namespace Cni.Linux.Tests.Firewall;

/// <summary>
/// Real traffic without external tools (this machine has no ping): a listener created inside one namespace
/// (sockets stay in the namespace they were created in) and a connect from another. The accepted
/// connection's remote address is the source the listener's side actually saw.
/// </summary>
internal static class TcpProbe
{
    public static TcpListener Listen(NetNs ns, IPAddress bind, int port) => ns.Run(() =>
    {
        var listener = new TcpListener(bind, port);
        if (bind.AddressFamily == AddressFamily.InterNetworkV6) listener.Server.DualMode = false;
        listener.Start();
        return listener;
    });

    /// <summary>Connects from <paramref name="from"/>; returns the source address the listener saw, or null on timeout/refusal.</summary>
    public static IPAddress? SourceSeen(NetNs from, TcpListener listener, IPAddress target, int port)
    {
        bool connected = from.Run(() =>
        {
            using var client = new TcpClient(target.AddressFamily);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            try
            {
                client.ConnectAsync(target, port, timeout.Token).AsTask().GetAwaiter().GetResult();
                return true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return false;
            }
        });
        if (!connected) return null;
        using var acceptTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        using var accepted = listener.AcceptTcpClientAsync(acceptTimeout.Token).AsTask().GetAwaiter().GetResult();
        return ((IPEndPoint)accepted.Client.RemoteEndPoint!).Address;
    }
}
