using Cni.Sdk;

namespace Cni.Ipam.Static;

/// <summary>
/// static IPAM: prints the configured addresses, routes and DNS. Nothing is stored, so DEL has nothing to
/// free; CHECK compares the configuration with prevResult as the reference does.
/// </summary>
public sealed class StaticPlugin : ICniPlugin
{
    public Result Add(CmdArgs args)
    {
        var cfg = Load(args);
        return new Result
        {
            Ips = cfg.Addresses.Select(a => new IpConfig { Address = a.Address, Gateway = a.Gateway }).ToList(),
            Routes = cfg.Routes.Select(r => r.Clone()).ToList(),
            Dns = cfg.Dns.Clone(),
        };
    }

    /// <summary>Nothing was reserved; a DEL always succeeds (the reference fails it on a broken config).</summary>
    public void Del(CmdArgs args) { }

    /// <summary>
    /// Needs prevResult. A configured address found in prevResult must carry the configured gateway (when one
    /// is configured); a configured address missing from prevResult is not an error, as in the reference.
    /// </summary>
    public void Check(CmdArgs args)
    {
        var cfg = Load(args);
        var prev = args.Config.PrevResult
            ?? throw new CniException(CniErrorCode.InvalidNetworkConfig, "static: required prevResult missing");
        foreach (var (address, gateway) in cfg.Addresses)
        {
            var found = prev.Ips.FirstOrDefault(ip => ip.Address.Address.Equals(address.Address));
            if (found is null || gateway is null) continue;
            if (!gateway.Equals(found.Gateway))
                throw new CniException(CniErrorCode.Internal,
                    $"static: failed to match addr {address.Address} on interface {args.IfName}",
                    $"configured gateway {gateway}, prevResult has {found.Gateway?.ToString() ?? "none"}");
        }
    }

    private static StaticConfig Load(CmdArgs args)
        => StaticConfig.Parse(args.Config.Raw, args.Config.CniVersion, CniArgsParser.Parse(args.Args, "IP", "GATEWAY"));
}
