namespace Workbook.Products.Ranking;

/// <summary>
/// A fitted ranking: product CTR ~ Beta with mean (band CTR x category factor) and the band's strength, updated by
/// the product's own clicks and impressions; score = CTR estimate x CPC. Not thread-safe (it caches intervals and
/// holds the Thompson random stream); use one model per thread.
/// </summary>
internal sealed class RankingModel
{
    private const double MaxPriorMean = 0.95;
    private const int IntervalCacheCapacity = 1 << 18;
    private readonly Dictionary<string, CategoryLevel> _categories;
    private readonly Dictionary<string, CategoryLevel>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<(double, double, double, double), (double Low, double High)> _intervals = new();
    private readonly double _lowQ, _highQ;
    private Random _rng;

    internal RankingModel(RankerOptions options, BetaPrior? global, IReadOnlyList<BandPrior> bands, double tau,
        IReadOnlyList<CategoryLevel> categories, double? firstEdgeQuantile = null)
    {
        FirstEdgeQuantile = firstEdgeQuantile;
        Options = options;
        GlobalPrior = global;
        Bands = bands;
        CategoryTau = tau;
        _categories = categories.ToDictionary(c => c.CategoryId, StringComparer.Ordinal);
        _lookup = _categories.GetAlternateLookup<ReadOnlySpan<char>>();
        _lowQ = (1 - options.CredibleLevel) / 2;
        _highQ = 1 - _lowQ;
        _rng = new Random(options.Seed);
    }

    /// <summary>The options the model was fitted with, the first band edge resolved to views (<see cref="RankerOptions.FirstBandEdge"/>).</summary>
    public RankerOptions Options { get; }

    /// <summary>The quantile of the views the first band edge was taken at, or null when the edge was given in views.</summary>
    public double? FirstEdgeQuantile { get; }

    /// <summary>
    /// The (ordinary-component) prior fitted on every product with impressions, used only when no band could be fitted
    /// alone (thin bands otherwise borrow the nearest fitted band's prior); with one band, that band's prior; else null.
    /// </summary>
    public BetaPrior? GlobalPrior { get; }

    public IReadOnlyList<BandPrior> Bands { get; }

    /// <summary>Gamma shape of the category multipliers (large = categories barely differ); infinity when pooling is off.</summary>
    public double CategoryTau { get; }

    public IReadOnlyCollection<CategoryLevel> Categories => _categories.Values;

    /// <summary>Restarts the Thompson random stream at <see cref="RankerOptions.Seed"/> (so a second pass replays the first).</summary>
    public void ResetRandom() => _rng = new Random(Options.Seed);

    /// <summary>
    /// The Beta prior of a clickable product in <paramref name="category"/> with <paramref name="impressions"/> views
    /// (unknown categories get factor 1); under a zero-inflated prior a product is a dud with probability <see cref="ZeroMassFor"/>.
    /// </summary>
    public BetaPrior PriorFor(ReadOnlySpan<char> category, long impressions) =>
        Scaled(Bands[ImpressionBands.Of(impressions, Bands.Count, Options.FirstBandEdge)].Prior, FactorOf(category));

    /// <summary>Prior probability that a product with <paramref name="impressions"/> views is a dud (CTR 0); 0 for a plain Beta prior.</summary>
    public double ZeroMassFor(long impressions) => Bands[ImpressionBands.Of(impressions, Bands.Count, Options.FirstBandEdge)].ZeroMass;

    /// <summary>
    /// Posterior of a product's CTR. Each Beta part is the conjugate update; the components' weights follow Bayes' rule
    /// with each component's marginal likelihood of the counts: any click rules a dud out, n views without a click
    /// keep it with odds pi0 : (1 - pi0) B(a, b + n) / B(a, b), and under the hot mixture the counts decide how likely
    /// the product is hot.
    /// </summary>
    public CtrPosterior Posterior(ReadOnlySpan<char> category, long clicks, long impressions) =>
        Posterior(FactorOf(category), clicks, impressions);

    internal double FactorOf(ReadOnlySpan<char> category) => _lookup.TryGetValue(category, out var level) ? level.Factor : 1.0;

    internal CtrPosterior Posterior(double factor, long clicks, long impressions)
    {
        var band = Bands[ImpressionBands.Of(impressions, Bands.Count, Options.FirstBandEdge)];
        var prior = Scaled(band.Prior, factor);
        var post = prior.Update(clicks, impressions);
        var pi = band.ZeroMass;
        if (band.Hot is null || band.HotMass <= 0)
        {
            if (pi <= 0 || clicks > 0) return new CtrPosterior(0, post);
            if (impressions <= 0) return new CtrPosterior(pi, post);
            var clickable = (1 - pi) * Math.Exp(new BetaBinomialKernel(prior).LogRatio(0, impressions));
            return new CtrPosterior(pi / (pi + clickable), post);
        }
        var hot = Scaled(band.Hot, factor);
        var hotPost = hot.Update(clicks, impressions);
        if (impressions <= 0) return new CtrPosterior(pi, post, band.HotMass, hotPost);
        double c = clicks;
        var l1 = Math.Log(1 - pi - band.HotMass) + new BetaBinomialKernel(prior).LogRatio(c, impressions);
        var l2 = Math.Log(band.HotMass) + new BetaBinomialKernel(hot).LogRatio(c, impressions);
        var l0 = clicks > 0 || pi <= 0 ? double.NegativeInfinity : Math.Log(pi);
        var m = Math.Max(l0, Math.Max(l1, l2));
        double e0 = Math.Exp(l0 - m), e1 = Math.Exp(l1 - m), e2 = Math.Exp(l2 - m), z = e0 + e1 + e2;
        return new CtrPosterior(e0 / z, post, e2 / z, hotPost);
    }

    // Mean of the whole prior (every component) for a product with this many impressions.
    private double PriorMean(double factor, long impressions)
    {
        var band = Bands[ImpressionBands.Of(impressions, Bands.Count, Options.FirstBandEdge)];
        return (1 - band.ZeroMass - band.HotMass) * Scaled(band.Prior, factor).Mean + (band.Hot is null ? 0 : band.HotMass * Scaled(band.Hot, factor).Mean);
    }

    private BetaPrior Scaled(BetaPrior p, double factor) =>
        BetaPrior.FromMeanStrength(Math.Min(p.Mean * factor, MaxPriorMean), p.Strength * Options.PriorStrengthScale);

    /// <summary>Central credible interval of the posterior (exact mixture quantiles, see <see cref="CtrPosterior.Quantile"/>), cached because many products share counts.</summary>
    public (double Low, double High) Interval(CtrPosterior posterior)
    {
        var key = (posterior.ZeroWeight, posterior.Beta.Alpha, posterior.Beta.Beta, posterior.HotWeight);
        if (_intervals.TryGetValue(key, out var hit)) return hit;
        if (_intervals.Count >= IntervalCacheCapacity) _intervals.Clear(); // bounded memory on any input
        var value = IntervalUncached(posterior);
        _intervals[key] = value;
        return value;
    }

    /// <summary>The interval without the cache: safe to call from several threads.</summary>
    internal (double Low, double High) IntervalUncached(CtrPosterior posterior) => (posterior.Quantile(_lowQ), posterior.Quantile(_highQ));

    /// <summary>The score of one product under <see cref="RankerOptions.Score"/> (Thompson draws advance the model's random stream).</summary>
    public double ScoreOf(CtrPosterior posterior, double cpc) => Options.Score switch
    {
        ScoreKind.Mean => posterior.Mean * cpc,
        ScoreKind.Lower => Interval(posterior).Low * cpc,
        ScoreKind.Upper => Interval(posterior).High * cpc,
        ScoreKind.Thompson => posterior.Sample(_rng) * cpc,
        _ => throw new ArgumentOutOfRangeException(nameof(Options.Score)),
    };

    /// <summary>Posterior, interval and score of one product.</summary>
    public ProductScore Score(ProductStats p)
    {
        var prior = PriorFor(p.CategoryId, p.Impressions);
        var post = Posterior(p.CategoryId, p.Clicks, p.Impressions);
        var (low, high) = Interval(post);
        return new ProductScore(p.ProductId, p.CategoryId, p.Cpc, p.Clicks, p.Impressions, p.ViewsMissing,
            PriorMean(FactorOf(p.CategoryId), p.Impressions), prior.Strength, post.Mean, low, high, ScoreOf(post, p.Cpc));
    }

    /// <summary>Scores only (no intervals unless the score kind needs them): what offline evaluation calls.</summary>
    public double[] Scores(IReadOnlyList<ProductStats> products)
    {
        ResetRandom();
        var scores = new double[products.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var p = products[i];
            scores[i] = ScoreOf(Posterior(p.CategoryId, p.Clicks, p.Impressions), p.Cpc);
        }
        return scores;
    }

    /// <summary>Every product scored and ranked, best first; ties keep input order.</summary>
    public IReadOnlyList<ProductScore> Rank(IReadOnlyList<ProductStats> products)
    {
        ResetRandom();
        var scored = products.Select(Score).ToArray();
        var order = RankOrder.Descending(scored.Select(s => s.Score).ToArray());
        return order.Select((i, r) => scored[i] with { Rank = r + 1 }).ToList();
    }
}
