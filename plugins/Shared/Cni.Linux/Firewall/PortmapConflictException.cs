namespace Cni.Linux.Firewall;

/// <summary>
/// A requested host port is already published by another live attachment. The reference silently adds a
/// second DNAT rule that the first one shadows; we refuse instead, naming the holder.
/// </summary>
public sealed class PortmapConflictException(PortmapClaim requested, string holderComment)
    : IOException($"host port {requested} is already published by another attachment ({holderComment})")
{
    public PortmapClaim Requested { get; } = requested;
    public string HolderComment { get; } = holderComment;
}
