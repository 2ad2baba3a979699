namespace Workbook.Products.Ranking;

/// <summary>
/// What fitting needs, gathered in one streaming pass: one histogram of (clicks, impressions) pairs with their counts
/// (the maximum-likelihood fits only ever sum over distinct pairs, and the bands are cut from it after the pass, so
/// the first band edge can be a quantile of the views) and per-category totals. Memory is the distinct pairs, which
/// stop growing once the file's range of counts is covered, plus a fixed number of exposure bins per category, not the
/// number of rows. Parallel readers fill one each and <see cref="Merge"/> them.
/// </summary>
internal sealed class RankingFitData
{
    /// <summary>Category impressions are kept in bins of 1/8 of a doubling of views (bin = floor(8 log2 views)).</summary>
    internal const int BinsPerDoubling = 8;
    private const int ExposureBins = 64 * BinsPerDoubling;

    private readonly int _bands;
    private readonly Dictionary<(long Clicks, long Impressions), long> _histogram = new();
    private readonly Dictionary<string, Totals> _categories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Totals>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private sealed class Totals(string name)
    {
        public readonly string Name = name;
        public long Products, Viewed, Clicks, Impressions;
        // Impressions by exposure bin, allocated on the first viewed product (sparse categories stay small).
        public long[]? BinImpressions;
    }

    public RankingFitData(RankerOptions options)
    {
        options.Validate();
        _bands = options.ImpressionBands;
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
            var name = category.ToString();
            _categories[name] = t = new Totals(name);
        }
        Add(t, clicks, impressions);
    }

    // The categories as their UTF-8 bytes (the streaming ranker never decodes a row's category) and by ordinal.
    private readonly Utf8Table _utf8 = new();
    private readonly List<Totals> _byOrdinal = new();

    /// <summary>
    /// Adds one product whose category is given as its UTF-8 bytes, except to the (clicks, impressions) histogram, which
    /// the caller fills with <see cref="AddToHistogram"/> (the streaming ranker counts rows per distinct counts anyway);
    /// returns the category's ordinal in this instance (<see cref="CategoryName"/>), the same for every row of the category.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int AddOutsideHistogram(ReadOnlySpan<byte> category, long clicks, long impressions)
    {
        var hash = System.IO.Hashing.XxHash3.HashToUInt64(category);
        var ordinal = _utf8.Find(category, hash);
        if (ordinal < 0)
        {
            var name = System.Text.Encoding.UTF8.GetString(category);
            if (!_categories.TryGetValue(name, out var found)) _categories[name] = found = new Totals(name);
            ordinal = _byOrdinal.Count;
            _byOrdinal.Add(found);
            _utf8.Add(category, hash, ordinal);
        }
        Rows++;
        Add(_byOrdinal[ordinal], clicks, impressions, histogram: false);
        return ordinal;
    }

    /// <summary>Counts <paramref name="products"/> more products with (<paramref name="clicks"/>, <paramref name="impressions"/>), impressions above 0.</summary>
    public void AddToHistogram(long clicks, long impressions, long products) =>
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_histogram, (clicks, impressions), out _) += products;

    /// <summary>The category of an ordinal <see cref="AddOutsideHistogram"/> returned.</summary>
    public string CategoryName(int ordinal) => _byOrdinal[ordinal].Name;

    private void Add(Totals t, long clicks, long impressions, bool histogram = true)
    {
        t.Products++;
        if (impressions <= 0) return;
        t.Viewed++;
        t.Clicks += clicks;
        t.Impressions += impressions;
        (t.BinImpressions ??= new long[ExposureBins])[BinOf(impressions)] += impressions;
        if (histogram) System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_histogram, (clicks, impressions), out _)++;
    }

    /// <summary>Adds everything <paramref name="other"/> holds (same number of bands) to this one.</summary>
    public void Merge(RankingFitData other)
    {
        if (other._bands != _bands) throw new ArgumentException("fit data with different numbers of bands");
        Rows += other.Rows;
        foreach (var (key, n) in other._histogram)
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_histogram, key, out _) += n;
        foreach (var (name, o) in other._categories)
        {
            if (!_categories.TryGetValue(name, out var t)) _categories[name] = t = new Totals(name);
            t.Products += o.Products;
            t.Viewed += o.Viewed;
            t.Clicks += o.Clicks;
            t.Impressions += o.Impressions;
            if (o.BinImpressions is null) continue;
            t.BinImpressions ??= new long[ExposureBins];
            for (var b = 0; b < ExposureBins; b++) t.BinImpressions[b] += o.BinImpressions[b];
        }
    }

    /// <summary>The first band edge the options ask for: their absolute edge, or the views at their quantile of the histogram.</summary>
    public long FirstEdge(RankerOptions options) => options.FirstEdgeQuantile is { } q
        ? ImpressionBands.EdgeAt(_histogram.Select(kv => (kv.Key.Impressions, kv.Value)), q)
        : options.FirstBandEdge;

    /// <summary>The (clicks, impressions, products) histogram of one band for the first edge <paramref name="firstEdge"/>.</summary>
    internal IReadOnlyList<(long Clicks, long Impressions, long Count)> Histogram(int band, long firstEdge) =>
        _histogram.Where(kv => ImpressionBands.Of(kv.Key.Impressions, _bands, firstEdge) == band)
            .Select(kv => (kv.Key.Clicks, kv.Key.Impressions, kv.Value)).ToList();

    /// <summary>Distinct (clicks, impressions) pairs held (what the fit data's memory grows with).</summary>
    public int DistinctPairs => _histogram.Count;

    /// <summary>
    /// Per category: products, viewed products, clicks, impressions, and impressions per band for the first edge
    /// <paramref name="firstEdge"/>. Impressions are binned finely during the pass (the edge is not known then) and each
    /// bin goes to the band of its lower views: only the one bin in eight per doubling that straddles a band edge is
    /// placed approximately, which moves a category's expected clicks (category pooling) by a sliver.
    /// </summary>
    internal IEnumerable<(string Category, long Products, long Viewed, long Clicks, long Impressions, long[] BandImpressions)> Categories(long firstEdge) =>
        _categories.Select(kv =>
        {
            var bands = new long[_bands];
            if (kv.Value.BinImpressions is { } bins)
                for (var b = 0; b < ExposureBins; b++)
                    if (bins[b] != 0) bands[ImpressionBands.Of(BinLowerViews(b), _bands, firstEdge)] += bins[b];
            return (kv.Key, kv.Value.Products, kv.Value.Viewed, kv.Value.Clicks, kv.Value.Impressions, bands);
        });

    internal static int BinOf(long views) => views < SmallViews ? SmallBins[views] : Math.Min(ExposureBins - 1, (int)Math.Floor(BinsPerDoubling * Math.Log2(views)));

    // Bins of the views most rows have, looked up instead of a logarithm per row in the streaming pass.
    private const int SmallViews = 1 << 14;
    private static readonly short[] SmallBins = Enumerable.Range(0, SmallViews).Select(v => v == 0 ? (short)0 : (short)Math.Floor(BinsPerDoubling * Math.Log2(v))).ToArray();

    // Smallest whole number of views in bin b (ceil of 2^(b/8)); 1 for bin 0.
    internal static long BinLowerViews(int bin) => Math.Max(1, (long)Math.Ceiling(Math.Pow(2, (double)bin / BinsPerDoubling) - 1e-9));
}
