using System.Text;

namespace Cni.Runtime.Demo;

/// <summary>
/// The demo's embedded network: bridge (with host-local) + portmap + firewall + tuning, trimmed to the
/// members present in the plugin directory. Every piece of state the plugins keep on disk (leases, tuning's
/// saved link attributes) goes under the demo's temp directory, never /var/lib/cni or /run/cni.
/// </summary>
internal static class DemoNetwork
{
    public const string Name = "cnidemo";
    public const string Bridge = "cnidemo0";
    public const string Subnet = "10.99.0.0/24";

    /// <summary>Chain order: the interface plugin first, then the chained ones that read its result.</summary>
    public static readonly string[] Chain = ["bridge", "portmap", "firewall", "tuning"];

    /// <summary>Plugins the demo cannot do without (no interface, no address: nothing to show).</summary>
    public static readonly string[] Required = ["bridge", "host-local"];

    public static byte[] Conflist(string cniVersion, IReadOnlySet<string> present, string ipamDir, string tuningDir)
    {
        var plugins = new List<string>
        {
            $$$"""
            {"type":"bridge","bridge":"{{{Bridge}}}","isGateway":true,"ipMasq":false,
             "ipam":{"type":"host-local","ranges":[[{"subnet":"{{{Subnet}}}"}]],"routes":[{"dst":"0.0.0.0/0"}],"dataDir":"{{{ipamDir}}}"}}
            """,
        };
        if (present.Contains("portmap")) plugins.Add("""{"type":"portmap","capabilities":{"portMappings":true},"snat":true}""");
        if (present.Contains("firewall")) plugins.Add("""{"type":"firewall"}""");
        if (present.Contains("tuning"))
            plugins.Add($$$"""{"type":"tuning","capabilities":{"mac":true},"sysctl":{"net.ipv4.conf.eth0.arp_notify":"1"},"dataDir":"{{{tuningDir}}}"}""");
        return Encoding.UTF8.GetBytes(
            $$"""{"cniVersion":"{{cniVersion}}","name":"{{Name}}","plugins":[{{string.Join(",", plugins)}}]}""");
    }
}
