using System.Net;
using Cni.Linux.Net;

namespace Cni.Sdk;

/// <summary>
/// One entry of <c>routes[]</c>. The 1.1 extras (mtu, advmss, priority, table, scope) are kept on every
/// 0.3+ version because the reference shares one route type across them; only 0.1/0.2 print dst and gw alone.
/// <see cref="Table"/> and <see cref="Scope"/> are printed even when 0, since 0 is meaningful for them.
/// </summary>
public sealed class Route
{
    public Cidr Dst { get; set; }
    /// <summary>Null means "use the gateway of the matching IP".</summary>
    public IPAddress? Gw { get; set; }
    public int? Mtu { get; set; }
    public int? AdvMss { get; set; }
    public int? Priority { get; set; }
    public int? Table { get; set; }
    /// <summary>0 global, 253 link, 254 host.</summary>
    public int? Scope { get; set; }

    public Route Clone() => (Route)MemberwiseClone();
}
