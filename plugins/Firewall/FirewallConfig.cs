using System.Text.Json;
using Cni.Linux.Firewall;
using Cni.Sdk;

namespace Cni.Plugins.Firewall;

/// <summary>
/// The firewall plugin's keys: <c>backend</c> (nftables | iptables; absent = automatic), <c>ingressPolicy</c>
/// (open | same-bridge | isolated), <c>iptablesAdminChainName</c> (default CNI-ADMIN). <c>firewalldZone</c> is
/// accepted and unused. Wrong JSON types: 6; bad values: 7.
/// </summary>
public sealed class FirewallConfig
{
    public required NetConf Net { get; init; }
    public string? Backend { get; init; }
    public ForwardIngressPolicy IngressPolicy { get; init; }
    public string AdminChain { get; init; } = ForwardFirewalls.DefaultAdminChain;

    /// <summary>The keys only; DEL and GC need nothing else (no prevResult, no netns).</summary>
    public static FirewallConfig Load(CmdArgs args)
    {
        var root = args.Config.Raw;
        string? backend = Str(root, "backend");
        if (backend == "firewalld")
            Invalid("backend \"firewalld\" is not supported by this firewall plugin; use \"nftables\" (default) or \"iptables\"");
        if (backend is { Length: > 0 } and not (Firewalls.Nftables or Firewalls.Iptables))
            Invalid($"unknown backend \"{backend}\" (expected \"nftables\" or \"iptables\")");
        var policy = Str(root, "ingressPolicy") switch
        {
            null or "" or "open" => ForwardIngressPolicy.Open,
            "same-bridge" => ForwardIngressPolicy.SameBridge,
            "isolated" => ForwardIngressPolicy.Isolated,
            var other => throw new CniException(CniErrorCode.InvalidNetworkConfig,
                $"unknown ingressPolicy \"{other}\" (expected \"open\", \"same-bridge\" or \"isolated\")"),
        };
        string admin = Str(root, "iptablesAdminChainName") is { Length: > 0 } a ? a : ForwardFirewalls.DefaultAdminChain;
        if (admin.Length > 28 || admin.Any(c => char.IsWhiteSpace(c) || c is '"' or '\''))
            Invalid($"invalid iptablesAdminChainName \"{admin}\" (1..28 characters, no spaces or quotes)");
        Str(root, "firewalldZone"); // type-checked only: there is no firewalld backend to use it
        return new FirewallConfig { Net = args.Config, Backend = backend, IngressPolicy = policy, AdminChain = admin };
    }

    /// <summary>
    /// What ADD and CHECK program, from prevResult: every container address (all families, as the reference),
    /// and the bridge: the first host-side interface (no sandbox), which is where the bridge plugin lists it.
    /// </summary>
    public ForwardAttachment Attachment(CmdArgs args)
    {
        var prev = Net.PrevResult ?? throw new CniException(CniErrorCode.InvalidNetworkConfig, "required prevResult missing",
            "firewall is a chained plugin: it opens the host's forwarding path for an interface an earlier plugin created");
        var addresses = prev.Ips.Select(ip => ip.Address).DistinctBy(c => c.Address).ToList();
        string? bridge = prev.Interfaces.FirstOrDefault(i => string.IsNullOrEmpty(i.Sandbox))?.Name;
        if (IngressPolicy != ForwardIngressPolicy.Open && !ForwardAttachment.IsInterfaceName(bridge))
            Invalid($"ingressPolicy {Str(Net.Raw, "ingressPolicy")} needs a bridge: prevResult lists no host-side interface");
        return new ForwardAttachment(Owner(args), addresses, bridge, IngressPolicy);
    }

    public FirewallOwner Owner(CmdArgs args) => new(Net.Name, args.ContainerId, args.IfName);

    private static string? Str(JsonElement o, string key)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String)
            throw new CniException(CniErrorCode.DecodingFailure, $"firewall config: \"{key}\" must be a string");
        return v.GetString();
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Invalid(string msg) => throw new CniException(CniErrorCode.InvalidNetworkConfig, msg);
}
