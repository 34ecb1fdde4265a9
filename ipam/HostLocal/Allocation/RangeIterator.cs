using System.Net;
using Cni.Linux.Net;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// Walks a range set in the reference's order, so a node can switch between our binary and the reference
/// without changing which address comes next: start just after the set's last reserved address when that is
/// still inside the set (else at the first range's rangeStart), go upward, wrap from one range's end to the
/// next range's start (and from the last range to the first), skip gateways (and excluded addresses), stop
/// when back at the first candidate.
/// </summary>
public sealed class RangeIterator
{
    private readonly RangeSet _set;
    private readonly ExcludeList _exclude;
    private int _rangeIdx;
    private IPAddress? _cur;
    private IPAddress? _startIp;

    public RangeIterator(RangeSet set, IPAddress? lastReserved, ExcludeList? exclude = null)
    {
        _set = set;
        _exclude = exclude ?? ExcludeList.Empty;
        if (lastReserved != null)
        {
            for (int i = 0; i < set.Ranges.Count; i++)
            {
                if (set.Ranges[i].Contains(lastReserved))
                {
                    _rangeIdx = i;
                    _cur = lastReserved; // Next() advances first, so the first candidate is lastReserved + 1
                    return;
                }
            }
        }
        _rangeIdx = 0;
        _startIp = set.Ranges[0].RangeStart;
    }

    /// <summary>The next candidate with its range, or null once every address has been offered.</summary>
    public (IPAddress Ip, IpRange Range)? Next()
    {
        while (true)
        {
            var r = _set.Ranges[_rangeIdx];
            if (_cur == null)
            {
                // First call when not resuming: rangeStart itself is a candidate.
                _cur = r.RangeStart;
                _startIp = _cur;
            }
            else
            {
                if (_cur.Equals(r.RangeEnd))
                {
                    _rangeIdx = (_rangeIdx + 1) % _set.Ranges.Count;
                    r = _set.Ranges[_rangeIdx];
                    _cur = r.RangeStart;
                }
                else
                {
                    _cur = IpMath.Next(_cur);
                }
                if (_startIp == null) _startIp = _cur;
                else if (_cur.Equals(_startIp)) return null;
            }
            if (_cur.Equals(r.Gateway) || _exclude.Contains(_cur)) continue;
            return (_cur, r);
        }
    }
}
