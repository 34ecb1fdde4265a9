using Cni.Linux.Hashing;
using System.Text;

namespace Cni.Linux.Firewall;

/// <summary>
/// Who a firewall rule belongs to: one attachment (network, container, interface). Every rule we write
/// carries <see cref="Comment"/>, whose fixed-width prefix <see cref="Tag"/> lets DEL and GC find exactly
/// this attachment's rules without knowing its addresses:
/// <c>cni-&lt;hash16(network)&gt;-&lt;hash16(containerId, ifName)&gt; net: N id: C if: I</c>.
/// </summary>
public readonly record struct FirewallOwner(string Network, string ContainerId, string IfName)
{
    /// <summary>Leads every comment we write, so our rules are recognisable among anyone else's.</summary>
    public const string CommentPrefix = "cni-";

    /// <summary>Comments stay under nft's 128-byte limit (iptables allows 256).</summary>
    public const int MaxCommentLength = 127;

    /// <summary>"cni-&lt;16 hex&gt;-": the prefix every rule of <see cref="Network"/> starts with (GC selects by it).</summary>
    public string NetworkTag => NetworkTagOf(Network);

    /// <summary>"cni-&lt;16 hex&gt;-&lt;16 hex&gt;": identifies this attachment; 37 characters.</summary>
    public string Tag => NetworkTag + AttachmentHash(ContainerId, IfName);

    /// <summary>The full comment: the tag, then readable names (sanitised, cut to fit 127 bytes).</summary>
    public string Comment
    {
        get
        {
            string text = $"{Tag} net: {Sanitise(Network)} id: {Sanitise(ContainerId)} if: {Sanitise(IfName)}";
            return text.Length <= MaxCommentLength ? text : text[..MaxCommentLength];
        }
    }

    /// <summary>
    /// The iptables chain of this attachment: "CNI-" + 24 hex of SHA-256(network, container, ifname), 28
    /// characters like the reference's chains (the kernel allows 28 + NUL).
    /// </summary>
    public string IptablesChain => "CNI-" + Hash($"{Network}\0{ContainerId}\0{IfName}", 24);

    public static string NetworkTagOf(string network) => CommentPrefix + Hash(network, 16) + "-";

    /// <summary>The attachment half of the tag, as GC computes it for each valid (container, ifname).</summary>
    public static string AttachmentHash(string containerId, string ifName) => Hash($"{containerId}\0{ifName}", 16);

    private static string Hash(string text, int hexChars)
    {
        return Sha256.HashHex(Encoding.UTF8.GetBytes(text))[..hexChars];
    }

    // Comments are quoted by iptables-save and shown by nft; keep them to characters neither needs to escape.
    private static string Sanitise(string value)
    {
        var b = new StringBuilder(value.Length);
        foreach (char c in value) b.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':' ? c : '_');
        return b.ToString();
    }
}
