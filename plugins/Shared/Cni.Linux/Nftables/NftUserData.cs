using System.Text;

namespace Cni.Linux.Nftables;

/// <summary>
/// Rule userdata (NFTA_RULE_USERDATA): libnftnl's TLV list of { u8 type, u8 length, value }. `nft` keeps the
/// comment as type NFTNL_UDATA_RULE_COMMENT with a NUL-terminated string; we write and read exactly that.
/// </summary>
internal static class NftUserData
{
    public static byte[] EncodeComment(string comment)
    {
        int length = Encoding.UTF8.GetByteCount(comment) + 1;
        if (length > NftConst.MaxCommentLength) throw new ArgumentException($"comment longer than {NftConst.MaxCommentLength - 1} bytes");
        var tlv = new byte[2 + length];
        tlv[0] = NftConst.NFTNL_UDATA_RULE_COMMENT;
        tlv[1] = (byte)length;
        Encoding.UTF8.GetBytes(comment, tlv.AsSpan(2));
        return tlv;
    }

    /// <summary>The comment TLV's string, or null when there is none (other TLV types are skipped).</summary>
    public static string? DecodeComment(ReadOnlySpan<byte> userData)
    {
        while (userData.Length >= 2)
        {
            byte type = userData[0];
            int length = userData[1];
            if (2 + length > userData.Length) return null;
            var value = userData.Slice(2, length);
            if (type == NftConst.NFTNL_UDATA_RULE_COMMENT)
            {
                int nul = value.IndexOf((byte)0);
                return Encoding.UTF8.GetString(nul >= 0 ? value[..nul] : value);
            }
            userData = userData[(2 + length)..];
        }
        return null;
    }
}
