using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using System.Text;
using Cni.Linux.Interop;

namespace Cni.Linux.Netlink.Wire;

/// <summary>One decoded attribute: its type (flags masked off) and its value bytes (padding excluded).</summary>
internal readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort type, ReadOnlySpan<byte> value)
    {
        Type = (ushort)(type & NetlinkConst.NLA_TYPE_MASK);
        Value = value;
    }

    public ushort Type { get; }
    public ReadOnlySpan<byte> Value { get; }

    public byte U8 => Value.Length >= 1 ? Value[0] : (byte)0;
    public ushort U16 => Value.Length >= 2 ? MemoryMarshal.Read<ushort>(Value) : (ushort)0;
    public uint U32 => Value.Length >= 4 ? MemoryMarshal.Read<uint>(Value) : 0;
    public int I32 => unchecked((int)U32);
    public ushort U16BigEndian => Value.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Value) : (ushort)0;

    /// <summary>A NUL-terminated string; the terminator (and anything after it) is dropped.</summary>
    public string String
    {
        get
        {
            int nul = Value.IndexOf((byte)0);
            return Encoding.UTF8.GetString(nul >= 0 ? Value[..nul] : Value);
        }
    }

    /// <summary>An address of 4 or 16 bytes; null for any other length.</summary>
    public IPAddress? Address => Value.Length is 4 or 16 ? new IPAddress(Value) : null;

    public PhysicalAddress Mac => new(Value.ToArray());

    public AttributeReader Nested => new(Value);
}

/// <summary>Walks a run of attributes (rtattr headers at 4-byte alignment); stops at a truncated one.</summary>
internal ref struct AttributeReader
{
    private ReadOnlySpan<byte> _rest;

    public AttributeReader(ReadOnlySpan<byte> attributes)
    {
        _rest = attributes;
        Current = default;
    }

    public NetlinkAttribute Current { get; private set; }

    public readonly AttributeReader GetEnumerator() => this;

    public bool MoveNext()
    {
        const int HeaderSize = 4;
        if (_rest.Length < HeaderSize) return false;
        var header = MemoryMarshal.Read<rtattr>(_rest);
        if (header.rta_len < HeaderSize || header.rta_len > _rest.Length) return false;
        Current = new NetlinkAttribute(header.rta_type, _rest[HeaderSize..header.rta_len]);
        int next = Math.Min(NetlinkAlign.Align(header.rta_len), _rest.Length);
        _rest = _rest[next..];
        return true;
    }
}
