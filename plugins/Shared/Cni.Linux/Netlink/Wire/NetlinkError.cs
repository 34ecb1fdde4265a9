using System.Runtime.CompilerServices;
using Cni.Linux.Interop;

namespace Cni.Linux.Netlink.Wire;

/// <summary>Decodes the payload of NLMSG_ERROR (and of an NLMSG_DONE that carries an error).</summary>
internal static class NetlinkError
{
    /// <summary>
    /// Reads the errno (positive, 0 for an ACK) and the kernel's extended-ack text. With NETLINK_CAP_ACK the
    /// echoed request is only its header (NLM_F_CAPPED); otherwise the whole request sits before the TLVs.
    /// </summary>
    public static (int Errno, string? ExtendedAck) Decode(NetlinkMessage message)
    {
        var payload = message.Payload;
        if (payload.Length < 4) return (Errno.EINVAL, "truncated NLMSG_ERROR");
        var err = NetlinkMessage.ReadStruct<nlmsgerr>(payload);
        int errno = -err.error;
        if ((message.Header.nlmsg_flags & NetlinkConst.NLM_F_ACK_TLVS) == 0) return (errno, null);

        int echoed = (message.Header.nlmsg_flags & NetlinkConst.NLM_F_CAPPED) != 0
            ? Unsafe.SizeOf<nlmsghdr>()
            : (int)err.msg.nlmsg_len;
        int offset = NetlinkAlign.Align(sizeof(int) + echoed);
        if (offset >= payload.Length) return (errno, null);
        return (errno, FindMessage(payload[offset..]));
    }

    /// <summary>NLMSG_DONE of a dump: an int error, then (with ext ack) the same TLVs.</summary>
    public static (int Errno, string? ExtendedAck) DecodeDone(NetlinkMessage message)
    {
        var payload = message.Payload;
        if (payload.Length < 4) return (0, null);
        int errno = -NetlinkMessage.ReadStruct<int>(payload);
        string? text = (message.Header.nlmsg_flags & NetlinkConst.NLM_F_ACK_TLVS) != 0 && payload.Length > 4
            ? FindMessage(payload[4..])
            : null;
        return (errno, text);
    }

    private static string? FindMessage(ReadOnlySpan<byte> tlvs)
    {
        foreach (var attribute in new AttributeReader(tlvs))
            if (attribute.Type == NetlinkConst.NLMSGERR_ATTR_MSG) return attribute.String;
        return null;
    }
}
