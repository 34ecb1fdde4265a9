using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Cni.Linux.Netns;

namespace Cni.Runtime.Demo;

/// <summary>
/// Traffic for the demo, from managed code: a socket belongs to the namespace of the thread that created it,
/// so each socket is created inside <see cref="NetNs.Run{T}"/> and then used from anywhere.
/// </summary>
internal static class NetProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>One ICMP echo from inside <paramref name="from"/> (a raw socket: root, no ping binary needed).</summary>
    public static PingReply Ping(NetNs from, IPAddress to)
        => from.Run(() =>
        {
            using var ping = new Ping();
            return ping.Send(to, (int)Timeout.TotalMilliseconds);
        });

    /// <summary>A minimal HTTP/1.0 server listening on all addresses of <paramref name="ns"/>, answering <paramref name="body"/>.</summary>
    public static IDisposable Serve(NetNs ns, int port, string body)
    {
        var listener = ns.Run(() =>
        {
            var l = new TcpListener(IPAddress.Any, port);
            l.Start();
            return l;
        });
        var thread = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    using var client = listener.AcceptTcpClient();
                    client.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
                    var stream = client.GetStream();
                    stream.ReadExactly(new byte[4], 0, 4); // enough to know a request arrived ("GET ")
                    var payload = Encoding.ASCII.GetBytes(
                        $"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}");
                    stream.Write(payload);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or InvalidOperationException)
            {
                // Stop() ends the accept loop with one of these; a bad client just ends the demo's server early.
            }
        })
        { IsBackground = true, Name = "demo httpd" };
        thread.Start();
        return new Stopper(() => { listener.Stop(); thread.Join(Timeout); });
    }

    /// <summary>GET / from inside <paramref name="from"/>; returns the status line and the body.</summary>
    public static (string Status, string Body) Get(NetNs from, IPAddress ip, int port)
    {
        using var socket = from.Run(() => new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        socket.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        if (!socket.ConnectAsync(ip, port).Wait(Timeout)) throw new TimeoutException($"connect {ip}:{port} timed out");
        socket.Send(Encoding.ASCII.GetBytes($"GET / HTTP/1.0\r\nHost: {ip}\r\n\r\n"));
        using var ms = new MemoryStream();
        var buf = new byte[4096];
        int n;
        while ((n = socket.Receive(buf)) > 0) ms.Write(buf, 0, n);
        var text = Encoding.ASCII.GetString(ms.ToArray());
        int headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var status = text.Split("\r\n")[0];
        return (status, headerEnd < 0 ? "" : text[(headerEnd + 4)..]);
    }

    private sealed class Stopper(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}
