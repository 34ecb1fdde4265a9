using System.Net.NetworkInformation;
using Cni.Linux.Netlink;
using Cni.Linux.Netns;

namespace Cni.Sdk.Iface;

/// <summary>
/// A veth pair between a container and the host, created the reference's way: the container end is created
/// straight inside the container namespace under CNI_IFNAME, its peer straight in the host namespace under
/// `veth` + 8 random hex characters (NetworkManager and friends ignore `veth*`). Neither end ever exists
/// under a temporary name, so there is no rename step that a crash could leave half done.
/// </summary>
public sealed record VethPair(Link Host, Link Container)
{
    /// <summary>Attempts at a free host-side name before giving up (the reference's count).</summary>
    public const int NameAttempts = 10;

    /// <summary>
    /// Creates the pair. <paramref name="containerNl"/> is a socket opened inside <paramref name="containerNs"/>,
    /// <paramref name="hostNl"/> one in <paramref name="hostNs"/>. The host end is brought up and gets
    /// accept_ra=0 (a bridge port must not autoconfigure from router adverts); the container end stays down
    /// for the caller to configure. Fails when <paramref name="ifName"/> already exists in the container.
    /// </summary>
    public static VethPair Create(RouteNetlink containerNl, NetNs containerNs, RouteNetlink hostNl, NetNs hostNs,
        string ifName, int? mtu = null, PhysicalAddress? containerMac = null)
    {
        if (containerNl.TryGetLink(ifName, out _))
            throw new CniException(CniErrorCode.Internal, $"container veth name provided ({ifName}) already exists in {containerNs.Path}");

        for (int attempt = 1; ; attempt++)
        {
            string hostName = RandomHostName();
            var spec = new VethLink
            {
                Name = ifName, Mtu = mtu, Mac = containerMac,
                PeerName = hostName, PeerMtu = mtu, PeerNetNs = hostNs,
            };
            Link container;
            try
            {
                container = containerNl.CreateLink(spec);
            }
            catch (NetlinkException e) when (e.ErrnoName == "EEXIST")
            {
                // EEXIST names no side: the container name was free a moment ago, so it is the random host name
                // (or a concurrent creator of the same ifname, which the next attempt reports properly).
                if (containerNl.TryGetLink(ifName, out _))
                    throw new CniException(CniErrorCode.Internal, $"container veth name provided ({ifName}) already exists in {containerNs.Path}");
                if (attempt >= NameAttempts)
                    throw new CniException(CniErrorCode.Internal, $"failed to find a free host veth name after {NameAttempts} attempts", e.Message, e);
                continue;
            }
            catch (NetlinkException e)
            {
                throw new CniException(CniErrorCode.Internal, $"failed to create veth pair {ifName} (in {containerNs.Path}) / {hostName}", e.Message, e);
            }

            try
            {
                var host = hostNl.GetLink(hostName);
                hostNl.SetLinkUp(host.Index);
                if (host.Ipv6AcceptRa != 0) DisableAcceptRa(hostNs, hostName); // 0 already when the host's default is
                // Up now (the kernel acknowledged it); its operstate follows later, and callers that need that
                // (a bridge port's wait) read the link again themselves.
                return new VethPair(host with { Flags = host.Flags | LinkFlags.Up }, container);
            }
            catch
            {
                // Deleting one end removes both; the caller never learnt about this pair.
                try { containerNl.DeleteLink(container.Index); } catch (NetlinkException) { }
                throw;
            }
        }
    }

    // Random.Shared, not RandomNumberGenerator: these names and MACs need uniqueness, not secrecy, and on Linux
    // RandomNumberGenerator loads libssl/libcrypto, which cost every bridge ADD ~4 MB of RSS and milliseconds.

    /// <summary>`veth` + 8 lowercase hex digits (4 random bytes); a clash is retried by the caller.</summary>
    public static string RandomHostName()
    {
        Span<byte> b = stackalloc byte[4];
        Random.Shared.NextBytes(b);
        return "veth" + Convert.ToHexStringLower(b);
    }

    /// <summary>A random locally administered unicast MAC (02-style), for devices whose MAC must never change.</summary>
    public static PhysicalAddress RandomMac()
    {
        var b = new byte[6];
        Random.Shared.NextBytes(b);
        b[0] = (byte)((b[0] & 0xFE) | 0x02);
        return new PhysicalAddress(b);
    }

    /// <summary>
    /// accept_ra=0 on the host end. Skipped when IPv6 is off for the device (no such sysctl): there is nothing
    /// to autoconfigure then.
    /// </summary>
    private static void DisableAcceptRa(NetNs hostNs, string hostName)
        => hostNs.Run(() => IfaceConfigurator.TryWriteIfDifferent($"net/ipv6/conf/{hostName}/accept_ra", "0"));
}
