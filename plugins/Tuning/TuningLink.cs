using System.Net.NetworkInformation;
using Cni.Linux;
using Cni.Linux.Netlink;
using Cni.Sdk;

namespace Cni.Plugins.Tuning;

/// <summary>
/// The link half of tuning: MAC, promisc, MTU, allmulticast and queue length of CNI_IFNAME, over a netlink
/// socket opened inside the container namespace (so no thread switching per change).
/// </summary>
internal static class TuningLink
{
    /// <summary>CNI_IFNAME's current settings; it must exist (an earlier plugin in the chain created it).</summary>
    public static LinkSettings Read(RouteNetlink nl, CmdArgs args)
    {
        if (!nl.TryGetLink(args.IfName, out var link))
            throw new CniException(CniErrorCode.Internal, $"interface {args.IfName} not found in {args.Netns}",
                "tuning adjusts an existing interface; an earlier plugin in the chain must create it");
        return nl.GetLinkSettings(link.Index);
    }

    /// <summary>The reference's backup: the old value of each attribute ADD is about to change, and only those.</summary>
    public static void Save(TuningState state, TuningConfig cfg, LinkSettings before)
    {
        if (cfg.Mac != null && before.Mac != null) state.Mac = Format(before.Mac);
        if (cfg.Promisc == true) state.Promisc = before.Promisc;
        if (cfg.Mtu is > 0) state.Mtu = before.Mtu;
        if (cfg.Allmulti.HasValue) state.Allmulti = before.Allmulti;
        if (cfg.TxQueueLength.HasValue) state.TxQLen = before.TxQueueLength;
    }

    /// <summary>Applies the configured attributes in the reference's order, each undone by <paramref name="rb"/> on failure.</summary>
    public static void Apply(RouteNetlink nl, TuningConfig cfg, LinkSettings before, Rollback rb)
    {
        int i = before.Index;
        string name = before.Name;
        if (cfg.Mac is { } mac)
        {
            Change($"set MAC {Format(mac)} on {name}", () => nl.SetLinkMac(i, mac));
            if (before.Mac is { } oldMac) rb.Add($"restore MAC of {name}", () => nl.SetLinkMac(i, oldMac));
        }
        if (cfg.Promisc == true)
        {
            Change($"set promisc on {name}", () => nl.SetLinkPromisc(i, true));
            rb.Add($"restore promisc of {name}", () => nl.SetLinkPromisc(i, before.Promisc));
        }
        if (cfg.Mtu is int mtu and > 0)
        {
            Change($"set mtu {mtu} on {name}", () => nl.SetLinkMtu(i, mtu));
            rb.Add($"restore mtu of {name}", () => nl.SetLinkMtu(i, before.Mtu));
        }
        if (cfg.Allmulti is bool allmulti)
        {
            Change($"set allmulticast {(allmulti ? "on" : "off")} on {name}", () => nl.SetLinkAllmulti(i, allmulti));
            rb.Add($"restore allmulticast of {name}", () => nl.SetLinkAllmulti(i, before.Allmulti));
        }
        if (cfg.TxQueueLength is int qlen)
        {
            Change($"set txqueuelen {qlen} on {name}", () => nl.SetLinkTxQueueLength(i, qlen));
            rb.Add($"restore txqueuelen of {name}", () => nl.SetLinkTxQueueLength(i, before.TxQueueLength));
        }
    }

    /// <summary>DEL: puts back what the state file saved. Returns the failures; a missing link has nothing to restore.</summary>
    public static List<string> Restore(RouteNetlink nl, string ifName, TuningState state)
    {
        var failures = new List<string>();
        if (!nl.TryGetLink(ifName, out var link)) return failures;
        int i = link.Index;
        void Try(string what, Action action)
        {
            try { action(); }
            catch (LinuxException e) { failures.Add($"restore {what} of {ifName}: {e.Message}"); }
        }
        if (!string.IsNullOrEmpty(state.Mac))
        {
            if (TryParseMac(state.Mac) is { } mac) Try("MAC", () => nl.SetLinkMac(i, mac));
            else failures.Add($"restore MAC of {ifName}: saved value \"{state.Mac}\" is not a MAC address");
        }
        if (state.Promisc is bool promisc) Try("promisc", () => nl.SetLinkPromisc(i, promisc));
        if (state.Mtu is int mtu and > 0) Try("mtu", () => nl.SetLinkMtu(i, mtu));
        if (state.Allmulti is bool allmulti) Try("allmulticast", () => nl.SetLinkAllmulti(i, allmulti));
        if (state.TxQLen is int qlen and >= 0) Try("txqueuelen", () => nl.SetLinkTxQueueLength(i, qlen));
        return failures;
    }

    /// <summary>
    /// CHECK: every configured attribute must still hold. Promisc is checked both ways when configured (false
    /// requires it off, as in the reference); when the key is absent it is not checked at all (the reference
    /// cannot tell absent from false and demands off).
    /// </summary>
    public static void Verify(RouteNetlink nl, TuningConfig cfg, CmdArgs args)
    {
        var now = Read(nl, args);
        string name = args.IfName;
        if (cfg.Mac is { } mac && !mac.Equals(now.Mac))
            Mismatch($"MAC of {name} is {(now.Mac is null ? "unset" : Format(now.Mac))}, configured {Format(mac)}");
        if (cfg.Promisc is bool promisc && promisc != now.Promisc)
            Mismatch($"promisc of {name} is {(now.Promisc ? "on" : "off")}, configured {(promisc ? "on" : "off")}");
        if (cfg.Mtu is int mtu and > 0 && mtu != now.Mtu)
            Mismatch($"mtu of {name} is {now.Mtu}, configured {mtu}");
        if (cfg.Allmulti is bool allmulti && allmulti != now.Allmulti)
            Mismatch($"allmulticast of {name} is {(now.Allmulti ? "on" : "off")}, configured {(allmulti ? "on" : "off")}");
        if (cfg.TxQueueLength is int qlen && qlen != now.TxQueueLength)
            Mismatch($"txqueuelen of {name} is {now.TxQueueLength}, configured {qlen}");
    }

    /// <summary>"c2:11:22:33:44:55", the spelling results and the reference's state file use.</summary>
    public static string Format(PhysicalAddress mac) => string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2")));

    private static PhysicalAddress? TryParseMac(string text)
        => PhysicalAddress.TryParse(text.Replace(':', '-'), out var mac) && mac.GetAddressBytes().Length == 6 ? mac : null;

    /// <summary>A value the kernel refuses (EINVAL, ERANGE, EADDRNOTAVAIL) is a config error; anything else is internal.</summary>
    private static void Change(string what, Action action)
    {
        try
        {
            action();
        }
        catch (LinuxException e)
        {
            var code = e.ErrnoName is "EINVAL" or "ERANGE" or "EADDRNOTAVAIL" ? CniErrorCode.InvalidNetworkConfig : CniErrorCode.Internal;
            throw new CniException(code, what, e.Message, e);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Mismatch(string msg) => throw new CniException(CniErrorCode.Internal, msg);
}
