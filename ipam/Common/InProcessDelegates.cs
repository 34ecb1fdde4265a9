using Cni.Ipam.HostLocal;
using Cni.Ipam.Static;
using Cni.Sdk;

namespace Cni.Ipam;

/// <summary>
/// The IPAM plugins a main plugin binary carries, to run in-process when CNI_PATH's binary for them is our own
/// (Cni.Sdk <see cref="InProcessIpam"/>). Called once at the top of cmd/{bridge,macvlan,ipvlan,vxlan}/Program.cs.
/// </summary>
public static class InProcessDelegates
{
    public static void Register()
    {
        InProcessIpam.Register("host-local", () => new HostLocalPlugin());
        InProcessIpam.Register("static", () => new StaticPlugin());
    }
}
