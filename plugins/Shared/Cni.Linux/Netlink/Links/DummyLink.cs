namespace Cni.Linux.Netlink;

/// <summary>A dummy link (`ip link add NAME type dummy`): no IFLA_INFO_DATA. Handy as a stand-in parent.</summary>
public sealed class DummyLink : LinkSpec
{
    public override string Kind => "dummy";
}
