using System.Net;
using Cni.Linux.Net;

namespace Cni.Ipam.HostLocal;

/// <summary>One address handed out: with its subnet's prefix length and the range's gateway.</summary>
public readonly record struct Allocation(int RangeSetIndex, Cidr Address, IPAddress Gateway);
