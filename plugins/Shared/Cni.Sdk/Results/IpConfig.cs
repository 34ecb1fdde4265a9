using System.Net;
using Cni.Linux.Net;

namespace Cni.Sdk;

/// <summary>One entry of <c>ips[]</c>: an address with its prefix, an optional gateway and interface index.</summary>
public sealed class IpConfig
{
    /// <summary>Index into <see cref="Result.Interfaces"/>; null in IPAM results, which know no interfaces.</summary>
    public int? Interface { get; set; }
    public Cidr Address { get; set; }
    public IPAddress? Gateway { get; set; }

    public IpConfig Clone() => (IpConfig)MemberwiseClone();
}
