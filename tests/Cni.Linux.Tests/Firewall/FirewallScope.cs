using Cni.Linux.Firewall;
using Cni.Linux.Net;
using Cni.Linux.Netns;
using Cni.TestKit;

namespace Cni.Linux.Tests.Firewall;

/// <summary>A throwaway namespace plus a firewall backend whose calls all run inside it.</summary>
internal sealed class FirewallScope : IDisposable
{
    private readonly NetNs _netns;

    public TestNetns Ns { get; }
    public IFirewall Firewall { get; }

    public FirewallScope(string tag, string backend)
    {
        Requires.Root();
        Ns = TestNetns.Create(tag);
        try
        {
            _netns = NetNs.Open(Ns.Path);
            Firewall = Firewalls.Create(backend);
        }
        catch
        {
            Ns.Dispose();
            throw;
        }
    }

    public void Run(Action<IFirewall> action) => _netns.Run(() => action(Firewall));

    public void AddMasquerade(FirewallOwner owner, params string[] cidrs)
        => Run(f => f.AddMasquerade(owner, cidrs.Select(Cidr.Parse).ToList()));

    public void Dispose()
    {
        Firewall.Dispose();
        _netns.Dispose();
        Ns.Dispose();
    }
}
