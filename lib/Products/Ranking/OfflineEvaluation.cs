namespace Workbook.Products.Ranking;

/// <summary>One scorer's metrics over seeds: mean and standard deviation across thinning seeds, plus every seed's value.</summary>
public sealed record ScorerMetrics(string Scorer, int K, int Seeds, double NdcgMean, double NdcgStd,
    double RevenueMean, double RevenueStd, IReadOnlyList<double> NdcgBySeed, IReadOnlyList<double> RevenueBySeed);

/// <summary>A scorer's line in the evaluation table; the win rates are the first scorer's, against this one.</summary>
public sealed record EvaluationRow(string Scorer, double Ndcg, double NdcgStd, double Revenue, double RevenueStd,
    double FirstWinsNdcg, double FirstWinsRevenue);

/// <summary>Every scorer's metrics on the same seeds, and how often the first scorer beat each other one on each seed.</summary>
public sealed record EvaluationReport(IReadOnlyList<ScorerMetrics> Metrics, int K, int EvaluatedProducts)
{
    /// <summary>One row per scorer for a table: means, spreads and how often the first scorer beat it (paired by seed).</summary>
    public IReadOnlyList<EvaluationRow> Rows() => Metrics.Select(m =>
    {
        var (wn, wr) = WinRate(Metrics[0].Scorer, m.Scorer);
        return new EvaluationRow(m.Scorer, m.NdcgMean, m.NdcgStd, m.RevenueMean, m.RevenueStd,
            m == Metrics[0] ? double.NaN : wn, m == Metrics[0] ? double.NaN : wr);
    }).ToList();

    /// <summary>Share of seeds where <paramref name="a"/> had the higher NDCG and the higher revenue than <paramref name="b"/>.</summary>
    public (double Ndcg, double Revenue) WinRate(string a, string b)
    {
        var x = Metrics.Single(m => m.Scorer == a);
        var y = Metrics.Single(m => m.Scorer == b);
        return (x.NdcgBySeed.Zip(y.NdcgBySeed).Average(t => t.First > t.Second ? 1.0 : 0.0),
            x.RevenueBySeed.Zip(y.RevenueBySeed).Average(t => t.First > t.Second ? 1.0 : 0.0));
    }
}

/// <summary>
/// Offline evaluation by impression thinning: per seed, split every product's impressions in two
/// (<see cref="ImpressionThinning"/>), let each scorer score on the first half, and measure its order on the second,
/// where the gain of a product is its held-out CTR x CPC (revenue per impression if shown). Products with no
/// recorded impressions cannot be measured and are left out of the measurement (they are still scored).
/// </summary>
internal static class OfflineEvaluation
{
    /// <summary>The default seeds: 0..<paramref name="count"/>-1.</summary>
    public static IReadOnlyList<int> Seeds(int count = 50) => Enumerable.Range(0, count).ToArray();

    public static EvaluationReport Run(IReadOnlyList<ProductStats> products, IReadOnlyList<IProductScorer> scorers,
        IReadOnlyList<int> seeds, int k = 100, ImpressionThinning.Halves? split = null) =>
        Run(products, scorers, seeds, [k], split)[0];

    /// <summary>
    /// The same scores measured at several cut-offs (one report per K): each scorer fits once per seed. <paramref name="split"/>
    /// gives a seed's halves (default: <see cref="ImpressionThinning.Split"/> of <paramref name="products"/>); a caller
    /// that measures many configurations on the same seeds passes a memo of it.
    /// </summary>
    public static IReadOnlyList<EvaluationReport> Run(IReadOnlyList<ProductStats> products, IReadOnlyList<IProductScorer> scorers,
        IReadOnlyList<int> seeds, IReadOnlyList<int> ks, ImpressionThinning.Halves? split = null)
    {
        split ??= seed => ImpressionThinning.Split(products, seed);
        var ndcg = ks.Select(_ => scorers.Select(_ => new double[seeds.Count]).ToArray()).ToArray();
        var revenue = ks.Select(_ => scorers.Select(_ => new double[seeds.Count]).ToArray()).ToArray();
        var evaluable = products.Count(p => p.Impressions > 0);
        Parallel.For(0, seeds.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, s =>
        {
            var (train, test) = split(seeds[s]);
            var gains = new double[test.Count];
            var measured = new bool[test.Count];
            for (var i = 0; i < test.Count; i++)
            {
                measured[i] = test[i].Impressions > 0;
                gains[i] = measured[i] ? test[i].RawCtr * test[i].Cpc : 0;
            }
            for (var j = 0; j < scorers.Count; j++)
            {
                var scores = scorers[j].Score(train);
                for (var c = 0; c < ks.Count; c++) (ndcg[c][j][s], revenue[c][j][s]) = Measure(scores, gains, measured, ks[c]);
            }
        });
        return ks.Select((k, c) => new EvaluationReport(scorers.Select((sc, j) => new ScorerMetrics(sc.Name, k, seeds.Count,
            ndcg[c][j].Average(), Std(ndcg[c][j]), revenue[c][j].Average(), Std(revenue[c][j]), ndcg[c][j], revenue[c][j])).ToList(), k, evaluable)).ToList();
    }

    /// <summary>The ranker with <paramref name="options"/> alone (what a tuner calls; it keeps band fits in <paramref name="fits"/> across configurations).</summary>
    public static ScorerMetrics Run(IReadOnlyList<ProductStats> products, RankerOptions options, IReadOnlyList<int> seeds, int k = 100,
        ImpressionThinning.Halves? split = null, PriorFitMemo? fits = null) =>
        Run(products, [new BayesScorer(options, Fits: fits)], seeds, k, split).Metrics[0];

    /// <summary>
    /// The scorer; the model with the other prior families (zero-inflated, hot mixture, one Beta); with category pooling
    /// toggled; a single-global-prior ablation; the four baselines. In that order.
    /// </summary>
    public static IReadOnlyList<IProductScorer> StandardScorers(RankerOptions? options = null)
    {
        var o = options ?? new RankerOptions();
        var variants = new[] { o }
            .Concat(Enum.GetValues<PriorFamily>().Where(f => f != o.Prior).Select(f => o with { Prior = f }))
            .Append(o with { CategoryPooling = !o.CategoryPooling });
        return
        [
            .. variants.Select(v => new BayesScorer(v, BayesScorer.NameOf(v))),
            // One zero-inflated prior for all bands: the bands ablation, in the family that fits fast.
            new BayesScorer(new RankerOptions { ImpressionBands = 1, CategoryPooling = false, Prior = PriorFamily.ZeroInflatedBeta }, "single global zero-inflated prior"),
            new AdditiveSmoothingScorer(),
            new RawCtrScorer(),
            new WilsonScorer(),
            new CpcScorer(),
        ];
    }

    /// <summary>
    /// NDCG@k and revenue@k of one ordering over the measured products. Revenue@k is the summed held-out revenue per
    /// impression of the top k over that of the best possible top k (the share of achievable revenue if each of the k
    /// slots gets the same traffic).
    /// </summary>
    public static (double Ndcg, double Revenue) Measure(IReadOnlyList<double> scores, IReadOnlyList<double> gains,
        IReadOnlyList<bool> measured, int k)
    {
        var idx = Enumerable.Range(0, scores.Count).Where(i => measured[i]).ToArray();
        var byScore = RankOrder.Descending(idx.Select(i => scores[i]).ToArray()).Select(j => gains[idx[j]]).ToArray();
        var ideal = idx.Select(i => gains[i]).OrderByDescending(g => g).ToArray();
        var top = Math.Min(k, idx.Length);
        double dcg = 0, idcg = 0, rev = 0, best = 0;
        for (var r = 0; r < top; r++)
        {
            var discount = 1 / Math.Log2(r + 2);
            dcg += byScore[r] * discount;
            idcg += ideal[r] * discount;
            rev += byScore[r];
            best += ideal[r];
        }
        return (idcg > 0 ? dcg / idcg : 0, best > 0 ? rev / best : 0);
    }

    private static double Std(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2) return 0;
        var m = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Count - 1));
    }
}
