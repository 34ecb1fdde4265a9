using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Cni.Linux.Interop;

namespace Cni.Linux.Netlink.Wire;

/// <summary>
/// Builds one netlink request in a buffer rented from <see cref="ArrayPool{T}"/>: the nlmsghdr, the fixed
/// family struct, then attributes. Nested attributes are written inside <see cref="Nest"/>, a scope that
/// patches the nest's length when disposed, so no caller ever computes a length by hand.
/// Values are host byte order unless the method says otherwise (netlink is native-endian, addresses and
/// ports are network order).
/// </summary>
internal ref struct NetlinkWriter
{
    private byte[] _buffer;
    private int _position;

    public NetlinkWriter(ushort type, ushort flags, int capacity = 512)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        Array.Clear(_buffer);
        _position = 0;
        Write(new nlmsghdr { nlmsg_type = type, nlmsg_flags = flags });
    }

    /// <summary>The finished message, with nlmsg_len filled in. Valid until the next write or Dispose.</summary>
    public readonly Span<byte> Message
    {
        get
        {
            uint length = (uint)_position;
            MemoryMarshal.Write(_buffer, in length);
            return _buffer.AsSpan(0, _position);
        }
    }

    public readonly int Length => _position;

    /// <summary>Appends a blittable kernel struct (ifinfomsg, rtmsg...), padded to the alignment.</summary>
    public void Write<T>(in T value) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        var dest = Reserve(size);
        MemoryMarshal.Write(dest, in value);
    }

    public void Attribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var header = new rtattr { rta_len = (ushort)(Unsafe.SizeOf<rtattr>() + value.Length), rta_type = type };
        if (header.rta_len < value.Length) throw new ArgumentException($"attribute {type} too long ({value.Length} bytes)");
        var dest = Reserve(header.rta_len);
        MemoryMarshal.Write(dest, in header);
        value.CopyTo(dest[Unsafe.SizeOf<rtattr>()..]);
    }

    public void AttributeU8(ushort type, byte value) => Attribute(type, [value]);

    public void AttributeU16(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        MemoryMarshal.Write(b, in value);
        Attribute(type, b);
    }

    public void AttributeU32(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        MemoryMarshal.Write(b, in value);
        Attribute(type, b);
    }

    public void AttributeI32(ushort type, int value) => AttributeU32(type, unchecked((uint)value));

    /// <summary>A 16-bit value in network byte order (ports: IFLA_VXLAN_PORT).</summary>
    public void AttributeU16BigEndian(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        Attribute(type, b);
    }

    /// <summary>A NUL-terminated string (IFLA_IFNAME, IFLA_INFO_KIND).</summary>
    public void AttributeString(ushort type, string value)
    {
        Span<byte> b = stackalloc byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, b);
        b[^1] = 0;
        Attribute(type, b);
    }

    /// <summary>An IPv4 (4 bytes) or IPv6 (16 bytes) address in network order.</summary>
    public void AttributeAddress(ushort type, IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        if (!address.TryWriteBytes(b, out int n)) throw new ArgumentException($"cannot encode address {address}");
        Attribute(type, b[..n]);
    }

    public void AttributeMac(ushort type, PhysicalAddress mac) => Attribute(type, mac.GetAddressBytes());

    /// <summary>Opens a nested attribute; its length is patched when the returned scope is disposed.</summary>
    [UnscopedRef]
    public NestScope Nest(ushort type)
    {
        int start = _position;
        Write(new rtattr { rta_type = type });
        return new NestScope(ref _buffer, ref _position, start);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Claims <paramref name="size"/> bytes plus padding (left zero) and returns the unpadded part.</summary>
    private Span<byte> Reserve(int size)
    {
        int aligned = NetlinkAlign.Align(size);
        if (_position + aligned > _buffer.Length) Grow(_position + aligned);
        var span = _buffer.AsSpan(_position, size);
        _position += aligned;
        return span;
    }

    private void Grow(int needed)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        Array.Clear(bigger);
        _buffer.AsSpan(0, _position).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    /// <summary>The open nest of <see cref="Nest"/>; Dispose writes rta_len = bytes written since it opened.</summary>
    public ref struct NestScope
    {
        private readonly ref byte[] _buffer;
        private readonly ref int _position;
        private readonly int _start;

        internal NestScope(ref byte[] buffer, ref int position, int start)
        {
            _buffer = ref buffer;
            _position = ref position;
            _start = start;
        }

        public readonly void Dispose()
        {
            ushort length = checked((ushort)(_position - _start));
            MemoryMarshal.Write(_buffer.AsSpan(_start), in length);
        }
    }
}
