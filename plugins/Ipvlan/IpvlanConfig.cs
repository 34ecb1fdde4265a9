using Cni.Linux.Netlink;
using Cni.Sdk;
using Cni.Sdk.Iface;

namespace Cni.Plugins.Ipvlan;

/// <summary>
/// The ipvlan plugin's keys on top of the shared ones: <c>mode</c> (l2 default, l3, l3s) and, beyond the
/// reference, <c>flags</c> (bridge default, private, vepa: Docker's <c>ipvlan_flag</c>). No MAC: every ipvlan
/// shares its master's.
/// </summary>
public sealed class IpvlanConfig : ParentLinkConfig
{
    private const string Plugin = "ipvlan";

    public IpvlanMode Mode { get; init; } = IpvlanMode.L2;
    public IpvlanFlags Flags { get; init; } = IpvlanFlags.Bridge;

    public static IpvlanConfig Load(CmdArgs args)
    {
        var root = args.Config.Raw;
        var config = new IpvlanConfig
        {
            Net = args.Config,
            Master = Str(root, "master", Plugin) is { Length: > 0 } m ? m : null,
            Mtu = (int)(Integer(root, "mtu", Plugin, 0, int.MaxValue) ?? 0),
            LinkInContainer = Bool(root, "linkInContainer", Plugin),
            Mode = ParseMode(Str(root, "mode", Plugin)),
            Flags = ParseFlags(Str(root, "flags", Plugin)),
        };
        config.ValidateCommon(Plugin);
        return config;
    }

    public static IpvlanMode ParseMode(string? mode) => mode switch
    {
        null or "" or "l2" => IpvlanMode.L2,
        "l3" => IpvlanMode.L3,
        "l3s" => IpvlanMode.L3S,
        _ => throw new CniException(CniErrorCode.InvalidNetworkConfig, $"ipvlan: unknown mode \"{mode}\" (expected l2, l3 or l3s)"),
    };

    public static IpvlanFlags ParseFlags(string? flags) => flags switch
    {
        null or "" or "bridge" => IpvlanFlags.Bridge,
        "private" => IpvlanFlags.Private,
        "vepa" => IpvlanFlags.Vepa,
        _ => throw new CniException(CniErrorCode.InvalidNetworkConfig, $"ipvlan: unknown flags \"{flags}\" (expected bridge, private or vepa)"),
    };

    public static string ModeName(IpvlanMode mode) => mode.ToString().ToLowerInvariant();
    public static string FlagsName(IpvlanFlags flags) => flags.ToString().ToLowerInvariant();
}
