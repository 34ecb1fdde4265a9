using System.Net;
using Cni.Linux.Net;
using Cni.Linux.Netlink;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

public class DumpAndErrorTests
{
    /// <summary>
    /// 600 addresses make a dump of roughly 40 KB for IPv4 and 60 KB for IPv6: several datagrams, so the
    /// socket must keep calling recv until NLMSG_DONE.
    /// </summary>
    [Fact]
    public void DumpOfHundredsOfAddressesSpansSeveralReads()
    {
        Requires.Root();
        using var s = NsScope.Create("dump");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        // Added through `ip -batch` so the dump is checked against state our own encoder did not create.
        var batch = Path.GetTempFileName();
        try
        {
            var lines = Enumerable.Range(0, 300).SelectMany(i => new[]
            {
                $"addr add 10.{i / 250}.{i % 250}.1/32 dev br0",
                $"addr add 2001:db8::{i:x}/128 dev br0 nodad",
            });
            File.WriteAllLines(batch, lines);
            s.Ns.Ip("-batch", batch);
        }
        finally
        {
            File.Delete(batch);
        }

        long before = s.Nl.Socket.DatagramsReceived;
        var all = s.Nl.ListAddresses(br.Index);
        Assert.True(s.Nl.Socket.DatagramsReceived - before >= 3, $"dump took {s.Nl.Socket.DatagramsReceived - before} datagrams");
        var fromIp = s.Ns.IpJson("addr", "show", "dev", "br0")[0].GetProperty("addr_info").EnumerateArray()
            .Select(a => $"{a.Str("local")}/{a.GetProperty("prefixlen").GetInt32()}").Order().ToArray();
        Assert.Equal(fromIp, all.Select(a => a.Cidr.ToString()).Order().ToArray());
        Assert.Equal(300, all.Count(a => a.Cidr.IsIPv4));
        Assert.True(all.Count(a => !a.Cidr.IsIPv4) >= 300);
        Assert.Contains(all, a => a.Cidr.Address.Equals(IPAddress.Parse("10.1.49.1")));
    }

    [Fact]
    public void EexistCarriesTheKernelsExtendedAckText()
    {
        KernelSupport.LinkKind("vxlan");
        using var s = NsScope.Create("eexist");
        s.Nl.CreateLink(new VxlanLink { Name = "vx0", Vni = 42, Port = 4789 });
        var e = Assert.Throws<NetlinkException>(() => s.Nl.CreateLink(new VxlanLink { Name = "vx1", Vni = 42, Port = 4789 }));
        Assert.Equal(17, e.Errno);
        Assert.Equal("A VXLAN device with the specified VNI already exists", e.ExtendedAck?.TrimEnd('.'));
        Assert.StartsWith("RTM_NEWLINK vxlan vx1: EEXIST (File exists): A VXLAN device", e.Message);
    }

    [Fact]
    public void DuplicateLinkNameIsEexistNamingTheLink()
    {
        Requires.Root();
        using var s = NsScope.Create("duplink");
        s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        var e = Assert.Throws<NetlinkException>(() => s.Nl.CreateLink(new VethLink { Name = "br0", PeerName = "x0" }));
        Assert.Equal("EEXIST", e.ErrnoName);
        Assert.StartsWith("RTM_NEWLINK veth br0: EEXIST", e.Message);
        Assert.False(s.Nl.TryGetLink("x0", out _));
    }

    [Fact]
    public void InvalidRequestReportsExtendedAck()
    {
        Requires.Root();
        using var s = NsScope.Create("extack");
        var br = s.Nl.CreateLink(new BridgeLink { Name = "br0" });
        var e = Assert.Throws<NetlinkException>(() => s.Nl.SetLinkMtu(br.Index, 99999));
        Assert.Equal("EINVAL", e.ErrnoName);
        Assert.False(string.IsNullOrEmpty(e.ExtendedAck));
        Assert.Contains("mtu", e.ExtendedAck, StringComparison.OrdinalIgnoreCase);
        s.Nl.AddAddress(new InterfaceAddress(br.Index, Cidr.Parse("10.1.0.1/24")));
    }
}
