using System.Net.NetworkInformation;
using Cni.Linux.Netlink;
using Cni.Sdk;
using Cni.Sdk.Iface;

namespace Cni.Plugins.Macvlan;

/// <summary>
/// The macvlan plugin's keys on top of the shared ones: <c>mode</c> (bridge default, private, vepa,
/// passthru), <c>mac</c> (with CNI_ARGS MAC and runtimeConfig.mac overriding it), <c>bcqueuelen</c>.
/// Everything is validated before any side effect.
/// </summary>
public sealed class MacvlanConfig : ParentLinkConfig
{
    private const string Plugin = "macvlan";

    public MacvlanMode Mode { get; init; } = MacvlanMode.Bridge;
    public PhysicalAddress? Mac { get; init; }
    /// <summary>The broadcast queue length requested for the link (IFLA_MACVLAN_BC_QUEUE_LEN); 0 = kernel default.</summary>
    public uint BcQueueLen { get; init; }

    public static MacvlanConfig Load(CmdArgs args)
    {
        var root = args.Config.Raw;
        var config = new MacvlanConfig
        {
            Net = args.Config,
            Master = Str(root, "master", Plugin) is { Length: > 0 } m ? m : null,
            Mtu = (int)(Integer(root, "mtu", Plugin, 0, int.MaxValue) ?? 0),
            LinkInContainer = Bool(root, "linkInContainer", Plugin),
            Mode = ParseMode(Str(root, "mode", Plugin)),
            // CNI_ARGS and runtimeConfig only matter where a link is made.
            Mac = args.Command is "ADD" ? ReadMac(args, Plugin) : null,
            BcQueueLen = (uint)(Integer(root, "bcqueuelen", Plugin, 0, uint.MaxValue) ?? 0),
        };
        config.ValidateCommon(Plugin);
        return config;
    }

    public static MacvlanMode ParseMode(string? mode) => mode switch
    {
        null or "" or "bridge" => MacvlanMode.Bridge,
        "private" => MacvlanMode.Private,
        "vepa" => MacvlanMode.Vepa,
        "passthru" => MacvlanMode.Passthru,
        _ => throw new CniException(CniErrorCode.InvalidNetworkConfig,
            $"macvlan: unknown mode \"{mode}\" (expected bridge, private, vepa or passthru)"),
    };

    public static string ModeName(MacvlanMode mode) => mode.ToString().ToLowerInvariant();
}
