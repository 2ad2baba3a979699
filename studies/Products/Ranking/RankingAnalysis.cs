namespace Workbook.Products.Ranking;

/// <summary>What the data looks like before modelling (notebook 03's first table).</summary>
public sealed record ScoringDataProfile(int Products, int Categories, int SingleProductCategories, int ViewsMissing,
    int ClicksWhereViewsMissing, long MinRecordedViews, long MaxRecordedViews, int ZeroClickViewed, int ClicksAboveViews,
    int CategoriesWithVaryingCpc, double MedianWithinCategoryCpcStd, double PooledCtr)
{
    /// <summary>The profile as (fact, value) lines, for a narrow table.</summary>
    public IReadOnlyList<(string Fact, string Value)> Facts() =>
    [
        ("products", $"{Products:N0}"),
        ("categories (with one product)", $"{Categories} ({SingleProductCategories})"),
        ("views empty", $"{ViewsMissing:N0} ({(double)ViewsMissing / Products:P0})"),
        ("clicks > 0 where views are empty", $"{ClicksWhereViewsMissing}"),
        ("recorded views, min - max", $"{MinRecordedViews:N0} - {MaxRecordedViews:N0}"),
        ("viewed products without a click", $"{ZeroClickViewed:N0}"),
        ("rows with clicks > views", $"{ClicksAboveViews}"),
        ("categories whose CPC varies (sd > 0.01)", $"{CategoriesWithVaryingCpc}"),
        ("median within-category CPC sd", $"{MedianWithinCategoryCpcStd:F4}"),
        ("pooled CTR of viewed products", $"{PooledCtr:P2}"),
    ];
}

/// <summary>Pooled CTR of the products in one impressions band.</summary>
public sealed record BandCtr(string Band, int Products, long Clicks, long Impressions, double Ctr, double ZeroClickShare);

/// <summary>
/// Training-half evidence against held-out truth: one row per (impressions band, clicks) cell of the training half, with
/// the mean posterior CTR of the model under a single Beta prior, the zero-inflated one and the hot mixture.
/// </summary>
public sealed record HeldOutCell(string TrainImpressions, string TrainClicks, int Products, double TrainCtr, double BetaPosteriorCtr,
    double ZeroInflatedPosteriorCtr, double HotMixturePosteriorCtr, double HeldOutCtr);

/// <summary>Products in one scorer's top K but not the other's, pooled over seeds: what they looked like in training and what they earned held out.</summary>
public sealed record TopDisagreement(string OnlyIn, double ProductsPerSeed, double MeanTrainClicks, double MeanTrainImpressions,
    double MeanTrainCtr, double MeanPosteriorCtr, double MeanHeldOutCtr, double MeanHeldOutGain);

/// <summary>How many clicks products with a given range of recorded views got (shares of the products in the range).</summary>
public sealed record ClickCountRow(string Views, int Products, double NoClick, double OneClick, double TwoToFour, double FiveOrMore,
    double ClickedPooledCtr);

/// <summary>One band of the default (zero-inflated) prior fitted on the whole file, next to the single Beta's for the same band.</summary>
public sealed record BandPriorRow(string Label, double DudShare, double ClickableMean, double ClickableStrength, double PriorMean,
    double SingleBetaAlpha, double SingleBetaMean, long FittedOn, string PriorOfBand);

/// <summary>A product in either top <c>N</c> (by raw CTR x CPC or by the model): its rank by each, for a scatter.</summary>
public sealed record RankPair(int RawRank, long ModelRank, string Label);

/// <summary>The analyses notebook 03 shows; each returns rows for a table or a chart.</summary>
internal static class RankingAnalysis
{
    /// <summary>The default before the first band edge was swept: hot mixture, bands from 32 views (section 3's foil).</summary>
    public static RankerOptions PreviousDefault { get; } = new() { Prior = PriorFamily.HotMixture, FirstBandEdge = 32, ImpressionBands = 6 };

    public const string PreviousDefaultName = "previous default: hot mixture, bands from 32 views";

    /// <summary>The default model's band priors beside a single Beta's fitted on the same products.</summary>
    public static IReadOnlyList<BandPriorRow> BandPriors(RankingModel model, RankingModel singleBeta) =>
        model.Bands.Zip(singleBeta.Bands, (z, b) => new BandPriorRow(z.Label, z.ZeroMass, z.Prior.Mean, z.Prior.Strength, z.Mean,
            b.Prior.Alpha, b.Prior.Mean, z.FittedOn, z.BorrowedFrom is { } f ? model.Bands[f].Label : "own")).ToList();

    /// <summary>
    /// Rank by raw CTR x CPC (ties in input order) against the model's rank, for the products in either top
    /// <paramref name="top"/>; <paramref name="ranked"/> is <see cref="RankingModel.Rank"/> of <paramref name="products"/>.
    /// </summary>
    public static IReadOnlyList<RankPair> RawVersusModelRank(IReadOnlyList<ProductStats> products, IReadOnlyList<ProductScore> ranked, int top)
    {
        var rawOrder = RankOrder.Descending(products.Select(p => p.RawCtr * p.Cpc).ToArray());
        var rawRank = new Dictionary<string, int>();
        for (var r = 0; r < rawOrder.Length; r++) rawRank[products[rawOrder[r]].ProductId] = r + 1;
        return ranked.Where(r => r.Rank <= top || rawRank[r.ProductId] <= top)
            .Select(r => new RankPair(rawRank[r.ProductId], r.Rank, $"{r.Clicks}/{r.Impressions} cpc {r.Cpc:F2}")).ToList();
    }

    public static ScoringDataProfile Profile(IReadOnlyList<ProductStats> products)
    {
        var byCategory = products.GroupBy(p => p.CategoryId).ToList();
        var viewed = products.Where(p => !p.ViewsMissing).ToList();
        var cpcStd = byCategory.Where(g => g.Count() > 1).Select(g =>
        {
            var m = g.Average(p => p.Cpc);
            return Math.Sqrt(g.Sum(p => (p.Cpc - m) * (p.Cpc - m)) / (g.Count() - 1));
        }).Order().ToList();
        return new ScoringDataProfile(products.Count, byCategory.Count, byCategory.Count(g => g.Count() == 1),
            products.Count(p => p.ViewsMissing), products.Count(p => p.ViewsMissing && p.Clicks > 0),
            viewed.Count == 0 ? 0 : viewed.Min(p => p.Impressions), viewed.Count == 0 ? 0 : viewed.Max(p => p.Impressions),
            viewed.Count(p => p.Clicks == 0), products.Count(p => p.Clicks > p.Impressions && !p.ViewsMissing),
            cpcStd.Count(s => s > 0.01), cpcStd.Count == 0 ? 0 : cpcStd[cpcStd.Count / 2],
            viewed.Sum(p => (double)p.Clicks) / Math.Max(1, viewed.Sum(p => (double)p.Impressions)));
    }

    /// <summary>Pooled CTR per doubling impressions band: the selection effect a band-aware prior uses.</summary>
    public static IReadOnlyList<BandCtr> CtrByBand(IReadOnlyList<ProductStats> products, int bands = 7, long firstEdge = ImpressionBands.FirstEdge) =>
        products.Where(p => p.Impressions > 0).GroupBy(p => ImpressionBands.Of(p.Impressions, bands, firstEdge)).OrderBy(g => g.Key)
            .Select(g => new BandCtr(ImpressionBands.Label(g.Key, bands, firstEdge), g.Count(), g.Sum(p => p.Clicks), g.Sum(p => p.Impressions),
                (double)g.Sum(p => p.Clicks) / g.Sum(p => p.Impressions), g.Average(p => p.Clicks == 0 ? 1.0 : 0.0)))
            .ToList();

    /// <summary>
    /// Pools, over <paramref name="seeds"/> thinning splits, the products of each (training impressions band, training
    /// clicks) cell: their pooled training CTR, the mean posterior CTR of the model with <paramref name="options"/> under
    /// each prior family, and their pooled held-out CTR. Where the held-out CTR is closer to the training CTR than to a
    /// posterior, that shrinkage hurts.
    /// </summary>
    public static IReadOnlyList<HeldOutCell> HeldOutCalibration(IReadOnlyList<ProductStats> products, RankerOptions options, IReadOnlyList<int> seeds)
    {
        string ClickBucket(long c) => c switch { 0 => "0", 1 => "1", 2 => "2", <= 4 => "3-4", <= 8 => "5-8", _ => "9+" };
        int ClickOrder(string b) => b switch { "0" => 0, "1" => 1, "2" => 2, "3-4" => 3, "5-8" => 4, _ => 5 };
        var cells = new Dictionary<(int Band, string Clicks), (int N, double TrainC, double TrainV, double Beta, double Zib, double Hot, double HeldC, double HeldV)>();
        // Bands are those the fitted model resolved on each training part (a quantile edge moves with the data): the
        // labels name the edges the seeds used.
        var edges = new SortedSet<long>();
        foreach (var seed in seeds)
        {
            var (train, test) = ImpressionThinning.Split(products, seed);
            var beta = ProductRanker.Fit(train, options with { Prior = PriorFamily.Beta });
            var zib = ProductRanker.Fit(train, options with { Prior = PriorFamily.ZeroInflatedBeta });
            var hot = ProductRanker.Fit(train, options with { Prior = PriorFamily.HotMixture });
            var edge = zib.Options.FirstBandEdge;
            edges.Add(edge);
            for (var i = 0; i < train.Count; i++)
            {
                var t = train[i];
                if (t.Impressions <= 0 || test[i].Impressions <= 0) continue;
                var key = (ImpressionBands.Of(t.Impressions, options.ImpressionBands, edge), ClickBucket(t.Clicks));
                cells.TryGetValue(key, out var c);
                cells[key] = (c.N + 1, c.TrainC + t.Clicks, c.TrainV + t.Impressions,
                    c.Beta + beta.Posterior(t.CategoryId, t.Clicks, t.Impressions).Mean,
                    c.Zib + zib.Posterior(t.CategoryId, t.Clicks, t.Impressions).Mean,
                    c.Hot + hot.Posterior(t.CategoryId, t.Clicks, t.Impressions).Mean,
                    c.HeldC + test[i].Clicks, c.HeldV + test[i].Impressions);
            }
        }
        return cells.OrderBy(kv => kv.Key.Band).ThenBy(kv => ClickOrder(kv.Key.Clicks))
            .Select(kv => new HeldOutCell(BandLabel(kv.Key.Band, options.ImpressionBands, edges), kv.Key.Clicks, kv.Value.N / seeds.Count,
                kv.Value.TrainC / kv.Value.TrainV, kv.Value.Beta / kv.Value.N, kv.Value.Zib / kv.Value.N, kv.Value.Hot / kv.Value.N, kv.Value.HeldC / kv.Value.HeldV))
            .ToList();
    }

    /// <summary>A band's label for the first edges the seeds resolved: "[20, 40)" when they agree, "[20-21, 40-42)" when not.</summary>
    public static string BandLabel(int band, int bands, IReadOnlyCollection<long> edges)
    {
        if (edges.Count == 0) return ImpressionBands.Label(band, bands);
        var (lo, hi) = (ImpressionBands.Label(band, bands, edges.Min()), ImpressionBands.Label(band, bands, edges.Max()));
        if (lo == hi) return lo;
        long Lower(long e) => band == 0 ? 0 : e << (band - 1);
        string Range(long a, long b) => a == b ? $"{a}" : $"{a}-{b}";
        var lower = Range(Lower(edges.Min()), Lower(edges.Max()));
        return band == bands - 1 ? $">= {lower}" : $"[{lower}, {Range(edges.Min() << band, edges.Max() << band)})";
    }

    /// <summary>The first band edge (views) the ranker with <paramref name="options"/> resolves on <paramref name="products"/>.</summary>
    public static long ResolvedFirstEdge(IReadOnlyList<ProductStats> products, RankerOptions options) => options.FirstEdgeQuantile is { } q
        ? ImpressionBands.EdgeAt(products.Where(p => p.Impressions > 0).Select(p => (p.Impressions, 1L)), q)
        : options.FirstBandEdge;

    /// <summary>
    /// Where the ranker with <paramref name="options"/> and raw CTR x CPC disagree about the top <paramref name="k"/>
    /// measurable products: the products only one of them puts there, per seed, and their held-out gain (CTR x CPC).
    /// </summary>
    public static IReadOnlyList<TopDisagreement> TopKDisagreement(IReadOnlyList<ProductStats> products, RankerOptions options,
        IReadOnlyList<int> seeds, int k = 100)
    {
        var model = new List<(ProductStats Train, ProductStats Test, double Posterior)>();
        var raw = new List<(ProductStats Train, ProductStats Test, double Posterior)>();
        foreach (var seed in seeds)
        {
            var (train, test) = ImpressionThinning.Split(products, seed);
            var measured = Enumerable.Range(0, train.Count).Where(i => test[i].Impressions > 0).ToArray();
            HashSet<int> Top(double[] scores) =>
                RankOrder.Descending(measured.Select(i => scores[i]).ToArray()).Take(k).Select(j => measured[j]).ToHashSet();
            var fitted = ProductRanker.Fit(train, options);
            var m = Top(fitted.Scores(train));
            var r = Top(new RawCtrScorer().Score(train));
            double Post(int i) => fitted.Posterior(train[i].CategoryId, train[i].Clicks, train[i].Impressions).Mean;
            model.AddRange(m.Except(r).Select(i => (train[i], test[i], Post(i))));
            raw.AddRange(r.Except(m).Select(i => (train[i], test[i], Post(i))));
        }
        TopDisagreement Row(string name, List<(ProductStats Train, ProductStats Test, double Posterior)> xs) => xs.Count == 0
            ? new TopDisagreement(name, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)
            : new TopDisagreement(name, (double)xs.Count / seeds.Count, xs.Average(x => (double)x.Train.Clicks),
                xs.Average(x => (double)x.Train.Impressions), xs.Average(x => x.Train.RawCtr), xs.Average(x => x.Posterior), xs.Average(x => x.Test.RawCtr),
                xs.Average(x => x.Test.RawCtr * x.Test.Cpc));
        return [Row("model's top only", model), Row("raw CTR x CPC's top only", raw)];
    }

    /// <summary>Click counts by recorded views for the lowest exposure ranges (edges of the ranges in views).</summary>
    public static IReadOnlyList<ClickCountRow> ClickCountsByViews(IReadOnlyList<ProductStats> products, IReadOnlyList<long> edges) =>
        edges.Zip(edges.Skip(1)).Select(r =>
        {
            var xs = products.Where(p => p.Impressions >= r.First && p.Impressions < r.Second).ToList();
            var clicked = xs.Where(p => p.Clicks > 0).ToList();
            double Share(Func<long, bool> f) => xs.Count == 0 ? 0 : xs.Count(p => f(p.Clicks)) / (double)xs.Count;
            return new ClickCountRow($"[{r.First}, {r.Second})", xs.Count, Share(c => c == 0), Share(c => c == 1), Share(c => c is >= 2 and <= 4),
                Share(c => c >= 5), clicked.Count == 0 ? 0 : clicked.Sum(p => (double)p.Clicks) / clicked.Sum(p => (double)p.Impressions));
        }).ToList();
}
