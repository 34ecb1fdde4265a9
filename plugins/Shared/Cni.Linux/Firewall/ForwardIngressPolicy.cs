namespace Cni.Linux.Firewall;

/// <summary>
/// The firewall plugin's `ingressPolicy`: who may reach containers of a bridge through the host's FORWARD path.
/// </summary>
public enum ForwardIngressPolicy
{
    /// <summary>No isolation rules (the default).</summary>
    Open,

    /// <summary>Traffic between this bridge and another isolated bridge is dropped; within the bridge it flows.</summary>
    SameBridge,

    /// <summary>SameBridge, and containers of this bridge cannot reach each other either.</summary>
    Isolated,
}
