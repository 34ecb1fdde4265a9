namespace Cni.Linux.Firewall;

/// <summary>
/// A firewall change failed outside netlink (iptables-restore refused the batch, a tool is missing). The
/// message names the tool and carries its stderr. Netlink failures stay <see cref="Netlink.NetlinkException"/>.
/// </summary>
public sealed class FirewallException(string message, Exception? inner = null) : IOException(message, inner);
