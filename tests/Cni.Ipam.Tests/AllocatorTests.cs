using System.Net;
using System.Text.Json;
using Cni.Ipam.HostLocal;
using Cni.Sdk;

namespace Cni.Ipam.Tests;

/// <summary>The allocator's order and rules, over an in-memory store.</summary>
public class AllocatorTests
{
    private static IReadOnlyList<RangeSet> Sets(string ranges)
        => HostLocalConfig.Parse(JsonDocument.Parse($$$"""{"name":"n","ipam":{"ranges":{{{ranges}}}}}""").RootElement, "n", "1.0.0", null).RangeSets;

    private static readonly LeaseOwner A = new("a", "eth0"), B = new("b", "eth0");

    [Fact]
    public void First_address_skips_the_gateway_and_round_robin_continues_after_the_last()
    {
        var store = new MemoryIpStore();
        var alloc = new IpAllocator(store, Sets("""[[{"subnet":"10.0.0.0/29"}]]"""));
        Assert.Equal("10.0.0.2/29", alloc.Allocate(A, [])[0].Address.ToString());
        Assert.Equal("10.0.0.3/29", alloc.Allocate(B, [])[0].Address.ToString());
        store.Release(IPAddress.Parse("10.0.0.2"));
        // Round robin: .2 is free again but the cursor is at .3, so .4 comes next.
        Assert.Equal("10.0.0.4/29", alloc.Allocate(new LeaseOwner("c", "eth0"), [])[0].Address.ToString());
    }

    [Fact]
    public void Iteration_wraps_across_the_ranges_of_a_set_and_back_to_the_start()
    {
        var store = new MemoryIpStore();
        var set = Sets("""[[{"subnet":"10.0.0.0/24","rangeStart":"10.0.0.10","rangeEnd":"10.0.0.11"},{"subnet":"10.0.1.0/24","rangeStart":"10.0.1.1","rangeEnd":"10.0.1.2"}]]""");
        store.SetLastReservedIp(0, IPAddress.Parse("10.0.1.1"));
        var order = new List<string>();
        var it = new RangeIterator(set[0], store.LastReservedIp(0));
        while (it.Next() is var (ip, _)) order.Add(ip.ToString());
        // 10.0.1.1 is that range's gateway (network+1) and is skipped.
        Assert.Equal(["10.0.1.2", "10.0.0.10", "10.0.0.11"], order);
    }

    [Fact]
    public void Exhausted_set_is_error_11_and_earlier_sets_are_rolled_back()
    {
        var store = new MemoryIpStore();
        var alloc = new IpAllocator(store, Sets("""[[{"subnet":"10.0.0.0/24"}],[{"subnet":"10.1.0.0/30"}]]"""));
        alloc.Allocate(A, []);
        var e = Assert.Throws<CniException>(() => alloc.Allocate(B, []));
        Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
        Assert.Equal(2, store.Leases.Count);
        Assert.All(store.Leases.Values, o => Assert.Equal(A, o));
    }

    [Fact]
    public void Requested_ip_is_honoured_and_its_failures_have_deliberate_codes()
    {
        var store = new MemoryIpStore();
        var exclude = new ExcludeList();
        exclude.Add(Linux.Net.Cidr.Parse("10.0.0.9/32"));
        var alloc = new IpAllocator(store, Sets("""[[{"subnet":"10.0.0.0/24"}]]"""), exclude);
        Assert.Equal("10.0.0.50/24", alloc.Allocate(A, [IPAddress.Parse("10.0.0.50")])[0].Address.ToString());
        Assert.Equal(CniErrorCode.TryAgainLater, Assert.Throws<CniException>(() => alloc.Allocate(B, [IPAddress.Parse("10.0.0.50")])).Code);
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, Assert.Throws<CniException>(() => alloc.Allocate(B, [IPAddress.Parse("10.0.0.1")])).Code);
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, Assert.Throws<CniException>(() => alloc.Allocate(B, [IPAddress.Parse("10.0.0.9")])).Code);
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, Assert.Throws<CniException>(() => alloc.Allocate(B, [IPAddress.Parse("10.9.0.1")])).Code);
        Assert.Single(store.Leases);
    }

    [Fact]
    public void Duplicate_allocation_for_the_same_owner_is_refused()
    {
        var store = new MemoryIpStore();
        var alloc = new IpAllocator(store, Sets("""[[{"subnet":"10.0.0.0/24"}]]"""));
        alloc.Allocate(A, []);
        Assert.Contains("duplicate", Assert.Throws<CniException>(() => alloc.Allocate(A, [])).Message);
    }

    [Fact]
    public void Excluded_addresses_are_never_handed_out()
    {
        var store = new MemoryIpStore();
        var exclude = new ExcludeList();
        exclude.Add(Linux.Net.Cidr.Parse("10.0.0.0/30"));
        var alloc = new IpAllocator(store, Sets("""[[{"subnet":"10.0.0.0/29"}]]"""), exclude);
        var got = Enumerable.Range(0, 3).Select(i => alloc.Allocate(new LeaseOwner("c" + i, "eth0"), [])[0].Address.Address.ToString()).ToList();
        Assert.Equal(["10.0.0.4", "10.0.0.5", "10.0.0.6"], got);
        Assert.Throws<CniException>(() => alloc.Allocate(B, []));
    }

    [Fact]
    public void Capacity_counts_gateway_exclusions_and_leases()
    {
        var set = Sets("""[[{"subnet":"10.0.0.0/29"}]]""")[0];
        var exclude = new ExcludeList();
        exclude.Add(Linux.Net.Cidr.Parse("10.0.0.6/32"));
        // .1-.6 usable by range, minus gateway .1, minus excluded .6 = 4; two leased.
        Assert.Equal((UInt128)2, Capacity.Free(set, exclude, new HashSet<IPAddress> { IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.3") }));
    }
}
