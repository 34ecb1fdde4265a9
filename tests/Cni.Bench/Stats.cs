namespace Cni.Bench;

/// <summary>Wall times of one side of one row (or of the floor measurement), plus the largest peak RSS seen.</summary>
internal sealed class Stats
{
    private readonly List<double> _wallMs = [];

    public int Count => _wallMs.Count;
    public long MaxRssKb { get; private set; }

    public void Add(Sample s)
    {
        _wallMs.Add(s.WallMs);
        MaxRssKb = Math.Max(MaxRssKb, s.MaxRssKb);
    }

    /// <summary>The samples <paramref name="start"/>..start+count-1 in the order they were taken (a series row's window).</summary>
    public Stats Window(int start, int count)
    {
        var w = new Stats();
        foreach (var ms in _wallMs.Skip(start).Take(count))
        {
            w._wallMs.Add(ms);
        }
        return w;
    }

    public double P50 => Percentile(50);
    public double P99 => Percentile(99);

    /// <summary>Nearest-rank percentile: an actual sample, never an interpolation between two.</summary>
    public double Percentile(double p)
    {
        if (_wallMs.Count == 0)
        {
            return double.NaN;
        }
        var sorted = _wallMs.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
