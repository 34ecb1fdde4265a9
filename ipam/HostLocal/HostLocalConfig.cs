using System.Net;
using Cni.Sdk;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// host-local's <c>ipam</c> keys after validation: the range sets to allocate from (runtimeConfig.ipRanges first,
/// then the legacy top-level range, then <c>ranges</c>), the requested addresses, and where the store lives.
/// Parsing and validation are in <c>HostLocalConfig.Parse.cs</c>.
/// </summary>
public sealed partial class HostLocalConfig
{
    public const string DefaultDataDir = "/var/lib/cni/networks";
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The network name: also the store's directory name under <see cref="DataDir"/>.</summary>
    public required string Name { get; init; }
    public required string CniVersion { get; init; }
    public required IReadOnlyList<RangeSet> RangeSets { get; init; }
    public IReadOnlyList<Route> Routes { get; init; } = [];
    public string DataDir { get; init; } = DefaultDataDir;
    public string? ResolvConf { get; init; }
    public ExcludeList Exclude { get; init; } = ExcludeList.Empty;

    /// <summary>Addresses asked for by CNI_ARGS IP, args.cni.ips and runtimeConfig.ips, in that order, without duplicates.</summary>
    public IReadOnlyList<IPAddress> RequestedIps { get; init; } = [];

    /// <summary>How long to wait for the store lock before failing with "try again later" (extension key <c>lockTimeout</c>, seconds).</summary>
    public TimeSpan LockTimeout { get; init; } = DefaultLockTimeout;

    /// <summary>The store directory for this network: <c>&lt;dataDir&gt;/&lt;name&gt;</c>.</summary>
    public string NetworkDir => Path.Combine(DataDir, Name);
}
