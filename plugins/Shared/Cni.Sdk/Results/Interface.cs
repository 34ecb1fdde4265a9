namespace Cni.Sdk;

/// <summary>
/// One entry of <c>interfaces[]</c>. <see cref="Mtu"/>, <see cref="SocketPath"/> and <see cref="PciId"/> exist
/// only from 1.1.0 on; the encoder drops them below 1.0.0 (and keeps them for 1.0.0, as the reference does).
/// </summary>
public sealed class Interface
{
    public string Name { get; set; } = "";
    public string? Mac { get; set; }
    public int? Mtu { get; set; }
    /// <summary>CNI_NETNS for a container interface; null for host-side interfaces.</summary>
    public string? Sandbox { get; set; }
    public string? SocketPath { get; set; }
    public string? PciId { get; set; }

    public Interface Clone() => (Interface)MemberwiseClone();
}
