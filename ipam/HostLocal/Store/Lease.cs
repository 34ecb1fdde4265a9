using System.Net;

namespace Cni.Ipam.HostLocal;

/// <summary>One reserved address and its holder.</summary>
public readonly record struct Lease(IPAddress Address, LeaseOwner Owner);
