using System.Text.Json;
using Cni.TestKit;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using DotNet.Testcontainers.Networks;

namespace Cni.E2E.Tests;

/// <summary>
/// A podman network with a subnet of the test's choosing, created through Testcontainers' NetworkBuilder on the
/// compat API (IPAM config), and the busybox containers attached to it. Dispose deletes the network through
/// the API and removes the lease dir host-local left behind.
/// </summary>
public sealed class E2eNetwork : IAsyncDisposable
{
    private static int s_subnet = 40;
    private readonly PodmanHost _host;
    private readonly INetwork _network;
    private bool _deleted;

    public string Name { get; }
    public string Subnet { get; }
    public string Gateway { get; }

    /// <summary>The prefix shared by every address of the /24 subnet ("10.89.N.").</summary>
    public string Prefix { get; }

    private E2eNetwork(PodmanHost host, string name, int third)
    {
        _host = host;
        Name = name;
        Prefix = $"10.89.{third}.";
        Subnet = Prefix + "0/24";
        Gateway = Prefix + "1";
        _network = new NetworkBuilder()
            .WithDockerEndpoint(host.Endpoint)
            .WithName(name)
            .WithDriver(NetworkDriver.Bridge)
            .WithCleanUp(false)
            .WithCreateParameterModifier(p => p.IPAM = new IPAM
            {
                Driver = "default",
                Config = [new IPAMConfig { Subnet = Subnet, Gateway = Gateway }],
            })
            .Build();
    }

    public static async Task<E2eNetwork> CreateAsync(PodmanHost host)
    {
        var name = host.NewNetworkName();
        host.Track(name);
        var net = new E2eNetwork(host, name, Interlocked.Increment(ref s_subnet));
        await net._network.CreateAsync(TestContext.Current.CancellationToken);
        return net;
    }

    /// <summary>The conflist podman wrote for this network in the test's own network_config_dir.</summary>
    public string ConflistPath => Path.Combine(_host.Config.NetworkConfigDir, Name + ".conflist");

    public JsonElement Conflist() => JsonDocument.Parse(File.ReadAllText(ConflistPath)).RootElement.Clone();

    /// <summary>The bridge podman chose for this network (cni-podmanN), from the conflist's bridge plugin.</summary>
    public string BridgeName()
        => Conflist().GetProperty("plugins").EnumerateArray()
            .First(p => p.GetProperty("type").GetString() == "bridge").GetProperty("bridge").GetString()!;

    /// <summary>host-local's lease dir for this network.</summary>
    public string LeaseDir => Path.Combine(PodmanHost.LeaseRoot, Name);

    /// <summary>The lease files (named by address) in the lease dir; none when the dir does not exist.</summary>
    public string[] Leases()
        => Directory.Exists(LeaseDir)
            ? [.. Directory.EnumerateFiles(LeaseDir).Select(Path.GetFileName).Where(f => f!.StartsWith(Prefix, StringComparison.Ordinal))!]
            : [];

    /// <summary>
    /// Starts a busybox container on this network running <paramref name="script"/> under sh. The stop signal
    /// is SIGKILL because busybox as PID 1 ignores SIGTERM (no handler), which would make every removal wait
    /// out podman's 10 s stop timeout. <paramref name="readyProbe"/> is a shell command that succeeds once the
    /// container is ready (a listening port, say).
    /// </summary>
    public async Task<IContainer> StartContainerAsync(string script, string? readyProbe = null,
        Func<ContainerBuilder, ContainerBuilder>? configure = null)
    {
        var builder = new ContainerBuilder(PodmanHost.Image)
            .WithDockerEndpoint(_host.Endpoint)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithCleanUp(false)
            .WithNetwork(Name)
            .WithEntrypoint("/bin/sh", "-c")
            .WithCommand(script)
            .WithCreateParameterModifier(p =>
            {
                p.StopSignal = "SIGKILL";
                (p.HostConfig ??= new HostConfig()).CgroupParent = _host.CgroupParent;
            });
        if (readyProbe != null)
            builder = builder.WithWaitStrategy(Wait.ForUnixContainer().UntilCommandIsCompleted("/bin/sh", "-c", readyProbe));
        if (configure != null) builder = configure(builder);
        var container = builder.Build();
        try
        {
            await container.StartAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception e)
        {
            await container.DisposeAsync();
            throw new InvalidOperationException($"container on {Name} did not start: {e.Message}\npodman log:\n{_host.ServiceLog}", e);
        }
        return container;
    }

    /// <summary>An httpd on port 8080 serving /www, ready once the port listens.</summary>
    public Task<IContainer> StartHttpdAsync(string marker, Func<ContainerBuilder, ContainerBuilder>? configure = null)
        => StartContainerAsync($"echo {marker} > /www/marker.txt && exec httpd -f -p 8080 -h /www",
            "netstat -ltn | grep -q ':8080 '", configure);

    /// <summary>Deletes the network through the API (podman removes its conflist and bridge).</summary>
    public async Task DeleteAsync()
    {
        if (_deleted) return;
        _deleted = true;
        await _network.DeleteAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_deleted) await DeleteAsync();
        }
        catch (Exception)
        {
            // The API refused (a test failed mid-way with containers attached): force it through the CLI.
            _host.Podman("network", "rm", "--force", Name);
        }
        await _network.DisposeAsync();
        PodmanHost.RemoveCniState(Name);
    }
}
