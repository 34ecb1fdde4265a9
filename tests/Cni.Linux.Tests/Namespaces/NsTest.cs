using System.Text.Json;
using Cni.Linux.Netlink;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

/// <summary>
/// A throwaway namespace plus a route-netlink socket opened inside it. Every test works only in such
/// namespaces; disposing removes the namespace (and with it every link the test made).
/// </summary>
internal sealed class NsScope : IDisposable
{
    public TestNetns Ns { get; }
    public RouteNetlink Nl { get; }

    private NsScope(TestNetns ns, RouteNetlink nl)
    {
        Ns = ns;
        Nl = nl;
    }

    public static NsScope Create(string tag)
    {
        Requires.Root();
        var ns = TestNetns.Create(tag);
        try
        {
            return new NsScope(ns, RouteNetlink.OpenIn(ns.Path));
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>`ip -d -j link show dev NAME` as the single object it returns.</summary>
    public JsonElement IpLink(string name) => Ns.IpJson("-d", "link", "show", "dev", name)[0];

    public void Dispose()
    {
        Nl.Dispose();
        Ns.Dispose();
    }
}

internal static class JsonExtensions
{
    public static bool HasFlag(this JsonElement link, string flag)
        => link.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == flag);

    public static string? Str(this JsonElement e, string property)
        => e.TryGetProperty(property, out var v) ? v.ToString() : null;
}
