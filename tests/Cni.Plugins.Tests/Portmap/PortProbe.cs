using System.Net;
using System.Net.Sockets;
using System.Text;
using Cni.Linux.Netns;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Portmap;

/// <summary>
/// Real traffic without ping or nc: a TCP+UDP responder living in one namespace that answers every
/// connection or datagram with "NAME PEER" (PEER = the source address it saw, which shows whether a
/// masquerade happened), and clients that ask it from another namespace. Sockets are created on a thread
/// switched into the namespace and stay bound to it; the I/O itself runs on any thread.
/// </summary>
public sealed class PortProbe : IDisposable
{
    private readonly Socket _tcp;
    private readonly Socket _udp;
    private readonly string _name;

    private PortProbe(string name, Socket tcp, Socket udp)
    {
        _name = name;
        _tcp = tcp;
        _udp = udp;
        new Thread(AcceptLoop) { IsBackground = true }.Start();
        new Thread(UdpLoop) { IsBackground = true }.Start();
    }

    /// <summary>Listens on <paramref name="port"/> (TCP and UDP, IPv4 and IPv6) inside <paramref name="ns"/>.</summary>
    public static PortProbe Start(TestNetns ns, string name, int port)
    {
        using var netns = NetNs.Open(ns.Path);
        var (tcp, udp) = netns.Run(() =>
        {
            var t = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
            t.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            t.Listen(16);
            var u = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
            u.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            return (t, u);
        });
        return new PortProbe(name, tcp, udp);
    }

    /// <summary>
    /// TCP connect from <paramref name="from"/> and read the answer; null when refused or timed out. A positive
    /// check retries (a fresh IPv6 gateway may still be in DAD); a check expecting null passes attempts: 1.
    /// </summary>
    public static string? Tcp(TestNetns from, string address, int port, int timeoutMs = 2000, int attempts = 3)
    {
        for (int i = 1; ; i++)
        {
            var answer = TcpOnce(from, address, port, timeoutMs);
            if (answer != null || i >= attempts) return answer;
            Thread.Sleep(300);
        }
    }

    /// <summary>One UDP datagram from <paramref name="from"/> (optionally from a fixed source port) and its answer, or null.</summary>
    public static string? Udp(TestNetns from, string address, int port, int? sourcePort = null, int timeoutMs = 1500, int attempts = 3)
    {
        for (int i = 1; ; i++)
        {
            var answer = UdpOnce(from, address, port, sourcePort, timeoutMs);
            if (answer != null || i >= attempts) return answer;
            Thread.Sleep(300);
        }
    }

    private static string? TcpOnce(TestNetns from, string address, int port, int timeoutMs)
    {
        using var netns = NetNs.Open(from.Path);
        var ip = IPAddress.Parse(address);
        using var s = netns.Run(() => new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            if (!s.ConnectAsync(new IPEndPoint(ip, port)).Wait(timeoutMs)) return null;
            s.ReceiveTimeout = timeoutMs;
            var buffer = new byte[256];
            int n = s.Receive(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (AggregateException) { return null; }
        catch (SocketException) { return null; }
    }

    private static string? UdpOnce(TestNetns from, string address, int port, int? sourcePort, int timeoutMs)
    {
        using var netns = NetNs.Open(from.Path);
        var ip = IPAddress.Parse(address);
        using var s = netns.Run(() =>
        {
            var u = new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            if (sourcePort is { } sp) u.Bind(new IPEndPoint(ip.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, sp));
            return u;
        });
        s.ReceiveTimeout = timeoutMs;
        try
        {
            s.SendTo("ping"u8.ToArray(), new IPEndPoint(ip, port));
            var buffer = new byte[256];
            int n = s.Receive(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (SocketException) { return null; }
    }

    private void AcceptLoop()
    {
        try
        {
            while (true)
            {
                using var c = _tcp.Accept();
                c.Send(Encoding.ASCII.GetBytes($"{_name} {Peer(c.RemoteEndPoint)}"));
                c.Shutdown(SocketShutdown.Both);
            }
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    private void UdpLoop()
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                EndPoint remote = new IPEndPoint(IPAddress.IPv6Any, 0);
                _udp.ReceiveFrom(buffer, ref remote);
                _udp.SendTo(Encoding.ASCII.GetBytes($"{_name} {Peer(remote)}"), remote);
            }
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    private static string Peer(EndPoint? ep)
    {
        var ip = ((IPEndPoint)ep!).Address;
        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
    }

    public void Dispose()
    {
        _tcp.Dispose();
        _udp.Dispose();
    }
}
