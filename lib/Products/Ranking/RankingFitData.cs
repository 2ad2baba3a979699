namespace Workbook.Products.Ranking;

/// <summary>
/// What fitting needs, gathered in one streaming pass: per-category per-band totals and, per impressions band, a
/// histogram of (clicks, impressions) pairs with their counts (the maximum-likelihood fits only ever sum over distinct
/// pairs). Memory is categories x bands plus the distinct pairs, which stop growing once the file's range of counts is
/// covered, not the number of rows. Parallel readers fill one each and <see cref="Merge"/> them.
/// </summary>
internal sealed class RankingFitData
{
    private readonly int _bands;
    private readonly long _firstEdge;
    private readonly Dictionary<(long Clicks, long Impressions), long>[] _histograms;
    private readonly long[] _seen;
    private readonly Dictionary<string, Totals> _categories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Totals>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private sealed class Totals(int bands)
    {
        public long Products, Viewed, Clicks, Impressions;
        public readonly long[] BandImpressions = new long[bands];
    }

    public RankingFitData(RankerOptions options)
    {
        options.Validate();
        _bands = options.ImpressionBands;
        _firstEdge = options.FirstBandEdge;
        _histograms = Enumerable.Range(0, _bands).Select(_ => new Dictionary<(long, long), long>()).ToArray();
        _seen = new long[_bands];
        _lookup = _categories.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public long Rows { get; internal set; }
    public int Bands => _bands;

    public void Add(ProductStats p) => Add(p.CategoryId, p.Clicks, p.Impressions);

    /// <summary>Adds one product; <paramref name="category"/> is only copied the first time it is seen.</summary>
    public void Add(ReadOnlySpan<char> category, long clicks, long impressions)
    {
        Rows++;
        if (!_lookup.TryGetValue(category, out var t))
        {
            t = new Totals(_bands);
            _categories[category.ToString()] = t;
        }
        t.Products++;
        if (impressions <= 0) return;
        var band = ImpressionBands.Of(impressions, _bands, _firstEdge);
        t.Viewed++;
        t.Clicks += clicks;
        t.Impressions += impressions;
        t.BandImpressions[band] += impressions;
        _seen[band]++;
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_histograms[band], (clicks, impressions), out _)++;
    }

    /// <summary>Adds everything <paramref name="other"/> holds (same options) to this one.</summary>
    public void Merge(RankingFitData other)
    {
        if (other._bands != _bands || other._firstEdge != _firstEdge) throw new ArgumentException("fit data with different bands");
        Rows += other.Rows;
        for (var b = 0; b < _bands; b++)
        {
            _seen[b] += other._seen[b];
            foreach (var (key, n) in other._histograms[b])
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_histograms[b], key, out _) += n;
        }
        foreach (var (name, o) in other._categories)
        {
            if (!_categories.TryGetValue(name, out var t)) _categories[name] = t = new Totals(_bands);
            t.Products += o.Products;
            t.Viewed += o.Viewed;
            t.Clicks += o.Clicks;
            t.Impressions += o.Impressions;
            for (var b = 0; b < _bands; b++) t.BandImpressions[b] += o.BandImpressions[b];
        }
    }

    /// <summary>The (clicks, impressions, products) histogram of one band.</summary>
    internal IReadOnlyList<(long Clicks, long Impressions, long Count)> Histogram(int band) =>
        _histograms[band].Select(kv => (kv.Key.Clicks, kv.Key.Impressions, kv.Value)).ToList();

    /// <summary>Distinct (clicks, impressions) pairs held, over all bands (what the fit data's memory grows with).</summary>
    public int DistinctPairs => _histograms.Sum(h => h.Count);

    internal long SeenInBand(int band) => _seen[band];

    internal IEnumerable<(string Category, long Products, long Viewed, long Clicks, long Impressions, long[] BandImpressions)> Categories() =>
        _categories.Select(kv => (kv.Key, kv.Value.Products, kv.Value.Viewed, kv.Value.Clicks, kv.Value.Impressions, kv.Value.BandImpressions));
}
