namespace Workbook.Products.Ranking;

/// <summary>
/// What fitting needs, gathered in one streaming pass with memory bounded by categories x bands plus a fixed-size
/// sample: per-category per-band totals (exact, every row) and a seeded reservoir sample of (clicks, impressions)
/// per band for the maximum-likelihood band priors.
/// </summary>
public sealed class RankingFitData
{
    private readonly int _bands;
    private readonly int _sampleSize;
    private readonly Random _rng;
    private readonly List<(long Clicks, long Impressions)>[] _samples;
    private readonly long[] _seen;
    private readonly Dictionary<string, Totals> _categories = new(StringComparer.Ordinal);

    private sealed class Totals(int bands)
    {
        public long Products, Viewed, Clicks, Impressions;
        public readonly long[] BandImpressions = new long[bands];
    }

    public RankingFitData(RankerOptions options)
    {
        options.Validate();
        _bands = options.ImpressionBands;
        _sampleSize = options.FitSampleSize;
        _rng = new Random(options.Seed);
        _samples = Enumerable.Range(0, _bands).Select(_ => new List<(long, long)>()).ToArray();
        _seen = new long[_bands];
    }

    public long Rows { get; private set; }
    public int Bands => _bands;

    public void Add(ProductStats p) => Add(p.CategoryId, p.Clicks, p.Impressions);

    /// <summary>Adds one product; <paramref name="category"/> is only copied the first time it is seen.</summary>
    public void Add(ReadOnlySpan<char> category, long clicks, long impressions)
    {
        Rows++;
        var lookup = _categories.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(category, out var t))
        {
            t = new Totals(_bands);
            _categories[category.ToString()] = t;
        }
        t.Products++;
        if (impressions <= 0) return;
        var band = ImpressionBands.Of(impressions, _bands);
        t.Viewed++;
        t.Clicks += clicks;
        t.Impressions += impressions;
        t.BandImpressions[band] += impressions;

        // Reservoir sampling per band (Algorithm R): every viewed product has the same chance to be in the fit sample.
        var seen = ++_seen[band];
        var sample = _samples[band];
        var cap = Math.Max(1, _sampleSize / _bands);
        if (sample.Count < cap) sample.Add((clicks, impressions));
        else
        {
            var j = _rng.NextInt64(seen);
            if (j < cap) sample[(int)j] = (clicks, impressions);
        }
    }

    internal IReadOnlyList<(long Clicks, long Impressions)> Sample(int band) => _samples[band];
    internal long SeenInBand(int band) => _seen[band];

    internal IEnumerable<(string Category, long Products, long Viewed, long Clicks, long Impressions, long[] BandImpressions)> Categories() =>
        _categories.Select(kv => (kv.Key, kv.Value.Products, kv.Value.Viewed, kv.Value.Clicks, kv.Value.Impressions, kv.Value.BandImpressions));
}
