using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cni.Linux.Interop;

namespace Cni.Linux.Netlink.Wire;

/// <summary>One message out of a received datagram: header plus payload (padding excluded).</summary>
internal readonly ref struct NetlinkMessage
{
    public NetlinkMessage(nlmsghdr header, ReadOnlySpan<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    public nlmsghdr Header { get; }
    public ushort Type => Header.nlmsg_type;
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The family's fixed struct at the start of the payload; a short payload is zero-extended.</summary>
    public T Read<T>() where T : unmanaged => ReadStruct<T>(Payload);

    /// <summary>The attributes following the fixed struct <typeparamref name="T"/>.</summary>
    public AttributeReader Attributes<T>() where T : unmanaged
    {
        int offset = NetlinkAlign.Align(Unsafe.SizeOf<T>());
        return new AttributeReader(offset >= Payload.Length ? default : Payload[offset..]);
    }

    public static T ReadStruct<T>(ReadOnlySpan<byte> bytes) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        if (bytes.Length >= size) return MemoryMarshal.Read<T>(bytes);
        Span<byte> padded = stackalloc byte[size];
        padded.Clear();
        bytes.CopyTo(padded);
        return MemoryMarshal.Read<T>(padded);
    }
}

/// <summary>Splits one datagram into its messages; stops at a truncated header.</summary>
internal ref struct MessageReader
{
    private ReadOnlySpan<byte> _rest;

    public MessageReader(ReadOnlySpan<byte> datagram)
    {
        _rest = datagram;
        Current = default;
    }

    public NetlinkMessage Current { get; private set; }

    public readonly MessageReader GetEnumerator() => this;

    public bool MoveNext()
    {
        int headerSize = Unsafe.SizeOf<nlmsghdr>();
        if (_rest.Length < headerSize) return false;
        var header = MemoryMarshal.Read<nlmsghdr>(_rest);
        if (header.nlmsg_len < headerSize || header.nlmsg_len > _rest.Length) return false;
        Current = new NetlinkMessage(header, _rest[headerSize..(int)header.nlmsg_len]);
        _rest = _rest[Math.Min(NetlinkAlign.Align((int)header.nlmsg_len), _rest.Length)..];
        return true;
    }
}
