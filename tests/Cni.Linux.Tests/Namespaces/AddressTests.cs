using System.Net.Sockets;
using Cni.Linux.Net;
using Cni.Linux.Netlink;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

public class AddressTests
{
    [Fact]
    public void Ipv4AndIpv6AddressesAddListReplaceDelete()
    {
        Requires.Root();
        using var s = NsScope.Create("addr");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        s.Nl.SetLinkUp(br.Index);

        s.Nl.AddAddress(new InterfaceAddress(br.Index, Cidr.Parse("10.1.2.3/24")));
        s.Nl.AddAddress(new InterfaceAddress(br.Index, Cidr.Parse("2001:db8::5/64")) { Flags = AddressFlags.NoDad });

        var info = s.Ns.IpJson("addr", "show", "dev", "br0")[0].GetProperty("addr_info").EnumerateArray().ToList();
        var v4 = info.Single(a => a.Str("local") == "10.1.2.3");
        Assert.Equal(24, v4.GetProperty("prefixlen").GetInt32());
        Assert.Equal("10.1.2.255", v4.Str("broadcast"));
        var v6 = info.Single(a => a.Str("local") == "2001:db8::5");
        Assert.True(v6.GetProperty("nodad").GetBoolean());

        var ours = s.Nl.ListAddresses(br.Index);
        Assert.Contains(ours, a => a.Cidr.ToString() == "10.1.2.3/24");
        Assert.Contains(ours, a => a.Cidr.ToString() == "2001:db8::5/64" && (a.Flags & AddressFlags.NoDad) != 0);
        Assert.All(s.Nl.ListAddresses(br.Index, AddressFamily.InterNetwork), a => Assert.True(a.Cidr.IsIPv4));
        Assert.DoesNotContain(s.Nl.ListAddresses(1, AddressFamily.InterNetworkV6), a => a.LinkIndex != 1);

        // replace: an existing address is updated instead of failing with EEXIST. IPv6 applies new flags on
        // replace (IPv4 keeps its flags and only refreshes lifetimes), so the flag change is checked on v6.
        s.Nl.ReplaceAddress(new InterfaceAddress(br.Index, Cidr.Parse("10.1.2.3/24")));
        s.Nl.ReplaceAddress(new InterfaceAddress(br.Index, Cidr.Parse("2001:db8::5/64")) { Flags = AddressFlags.NoDad | AddressFlags.NoPrefixRoute });
        var replaced = s.Ns.IpJson("addr", "show", "dev", "br0")[0].GetProperty("addr_info").EnumerateArray()
            .Single(a => a.Str("local") == "2001:db8::5");
        Assert.True(replaced.GetProperty("noprefixroute").GetBoolean());
        Assert.DoesNotContain(s.Ns.IpJson("-6", "route", "show", "dev", "br0").EnumerateArray(), r => r.Str("dst") == "2001:db8::/64");

        s.Nl.DeleteAddress(new InterfaceAddress(br.Index, Cidr.Parse("10.1.2.3/24")));
        s.Nl.DeleteAddress(new InterfaceAddress(br.Index, Cidr.Parse("2001:db8::5/64")));
        var left = s.Ns.IpJson("addr", "show", "dev", "br0")[0].GetProperty("addr_info").EnumerateArray()
            .Select(a => a.Str("local")).ToList();
        Assert.DoesNotContain("10.1.2.3", left);
        Assert.DoesNotContain("2001:db8::5", left);
    }

    [Fact]
    public void ScopeAndLabelAreSent()
    {
        Requires.Root();
        using var s = NsScope.Create("scope");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        s.Nl.AddAddress(new InterfaceAddress(br.Index, Cidr.Parse("192.0.2.1/32")) { Scope = NetworkScope.Link, Label = "br0:x" });
        var a = s.Ns.IpJson("addr", "show", "dev", "br0")[0].GetProperty("addr_info")[0];
        Assert.Equal("link", a.Str("scope"));
        Assert.Equal("br0:x", a.Str("label"));
        Assert.Equal(NetworkScope.Link, s.Nl.ListAddresses(br.Index).Single().Scope);
    }

    [Fact]
    public void DuplicateAddressIsEexist()
    {
        Requires.Root();
        using var s = NsScope.Create("dup");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        var a = new InterfaceAddress(br.Index, Cidr.Parse("10.9.9.9/24"));
        s.Nl.AddAddress(a);
        var e = Assert.Throws<NetlinkException>(() => s.Nl.AddAddress(a));
        Assert.Equal("EEXIST", e.ErrnoName);
        Assert.StartsWith("RTM_NEWADDR 10.9.9.9/24", e.Message);
    }
}
