using Cni.Linux.Firewall;

namespace Cni.Plugins.Portmap;

/// <summary>
/// After publishing UDP ports, drop conntrack entries that already track traffic to them (see
/// <see cref="PortmapConntrack"/>). Best effort, as in the reference: a failure is logged on stderr and ADD
/// still succeeds, because the rules are in place and the stale entries will eventually expire.
/// </summary>
internal static class PortmapConntrackFlush
{
    public static void Run(PortmapSpec spec)
    {
        foreach (bool v4 in new[] { true, false })
        {
            var ports = spec.Entries.Where(e => e.IsIPv4 == v4 && e.Protocol == "udp").Select(e => e.HostPort).Distinct().ToList();
            if (ports.Count == 0) continue;
            try
            {
                PortmapConntrack.FlushUdp(v4, ports);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"portmap: could not flush UDP conntrack entries for ports {string.Join(',', ports)}: {e.Message}");
            }
        }
    }
}
