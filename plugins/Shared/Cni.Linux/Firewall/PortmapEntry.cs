using System.Net;
using System.Net.Sockets;

namespace Cni.Linux.Firewall;

/// <summary>
/// One published port: traffic to <see cref="HostPort"/>/<see cref="Protocol"/> on a host address (only
/// <see cref="HostIp"/> when given) goes to <see cref="ContainerAddress"/>:<see cref="ContainerPort"/>.
/// Protocol is "tcp", "udp" or "sctp". The family is the container address's; a host IP of the other
/// family never reaches here (the plugin skips it, as the reference does).
/// </summary>
public sealed record PortmapEntry(string Protocol, int HostPort, IPAddress ContainerAddress, int ContainerPort, IPAddress? HostIp = null)
{
    public bool IsIPv4 => ContainerAddress.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>The IP protocol number (IPPROTO_TCP/UDP/SCTP).</summary>
    public byte ProtocolNumber => ProtocolNumberOf(Protocol);

    /// <summary>What this entry claims on the host: family, protocol, port and host address.</summary>
    public PortmapClaim Claim(string ownerTag) => new(ownerTag, IsIPv4 ? 4 : 6, Protocol, HostPort, HostIp);

    public static byte ProtocolNumberOf(string protocol) => protocol switch
    {
        "tcp" => 6,
        "udp" => 17,
        "sctp" => 132,
        _ => throw new ArgumentException($"unsupported protocol \"{protocol}\" (expected tcp, udp or sctp)", nameof(protocol)),
    };
}
