namespace Workbook.Products.Ranking;

/// <summary>What a list metric measures: discounted gain normalised by the best order (NDCG), or the plain mean gain of the top K.</summary>
internal enum ListMetricKind
{
    Ndcg,
    MeanGain,
}

/// <summary>One metric of a ranked list at one depth; <see cref="K"/> = <see cref="int.MaxValue"/> is the whole list.</summary>
internal record ListMetric(ListMetricKind Kind, int K)
{
    public string Name => (Kind, K) switch
    {
        (ListMetricKind.Ndcg, int.MaxValue) => "NDCG (whole list)",
        (ListMetricKind.Ndcg, var k) => $"NDCG@{k}",
        (ListMetricKind.MeanGain, int.MaxValue) => "mean gain (whole list)",
        (ListMetricKind.MeanGain, var k) => $"mean gain, top {k}",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };

    public override string ToString() => Name;

    /// <summary>
    /// The five: NDCG at 100, 1000 and over the whole list, and the mean held-out gain of the top 100 and 500
    /// (each product weighted equally, in revenue per impression). A score tuned at the top can lose deeper down; these
    /// see the top, the first screens, and the whole order.
    /// </summary>
    public static IReadOnlyList<ListMetric> Standard { get; } =
    [
        new(ListMetricKind.Ndcg, 100), new(ListMetricKind.Ndcg, 1000), new(ListMetricKind.Ndcg, int.MaxValue),
        new(ListMetricKind.MeanGain, 100), new(ListMetricKind.MeanGain, 500),
    ];
}

/// <summary>
/// Every scorer's value of every metric on every seed (<see cref="Values"/>[scorer][metric][seed]) at one thinning
/// fraction (the training share of each product's views).
/// </summary>
internal record DepthReport(double Fraction, IReadOnlyList<int> Seeds, IReadOnlyList<string> Scorers,
    IReadOnlyList<ListMetric> Metrics, double[][][] Values, int MeasuredProducts)
{
    public double Mean(string scorer, ListMetric metric) => Values[IndexOf(scorer)][MetricIndex(metric)].Average();

    public double Std(string scorer, ListMetric metric)
    {
        var xs = Values[IndexOf(scorer)][MetricIndex(metric)];
        if (xs.Length < 2) return 0;
        var m = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Length - 1));
    }

    /// <summary>Share of seeds on which <paramref name="a"/> scored strictly higher than <paramref name="b"/> (paired by seed).</summary>
    public double WinRate(string a, string b, ListMetric metric)
    {
        var (x, y) = (Values[IndexOf(a)][MetricIndex(metric)], Values[IndexOf(b)][MetricIndex(metric)]);
        return x.Zip(y).Average(t => t.First > t.Second ? 1.0 : 0.0);
    }

    /// <summary>
    /// One row per scorer: the mean of each metric and, for every scorer but <paramref name="reference"/> (default: the
    /// first), the share of seeds where the reference beat it on that metric.
    /// </summary>
    public IReadOnlyList<DepthRow> Rows(string? reference = null)
    {
        var r = reference ?? Scorers[0];
        return Scorers.Select(s => new DepthRow(s, Metrics.Select(m => Mean(s, m)).ToArray(),
            s == r ? null : Metrics.Select(m => WinRate(r, s, m)).ToArray())).ToList();
    }

    private int IndexOf(string scorer)
    {
        for (var i = 0; i < Scorers.Count; i++) if (Scorers[i] == scorer) return i;
        throw new ArgumentException($"no scorer '{scorer}'", nameof(scorer));
    }

    private int MetricIndex(ListMetric metric)
    {
        for (var i = 0; i < Metrics.Count; i++) if (Metrics[i] == metric) return i;
        throw new ArgumentException($"no metric {metric}", nameof(metric));
    }
}

/// <summary>One scorer's means per metric, and the reference scorer's win rate against it per metric (null for the reference itself).</summary>
internal record DepthRow(string Scorer, IReadOnlyList<double> Means, IReadOnlyList<double>? ReferenceWins);

/// <summary>
/// Offline evaluation at several depths of the list. Per seed, every product's views are thinned
/// (<see cref="ImpressionThinning"/>, training share <c>fraction</c>); each scorer scores the training part and its
/// order is measured on the held-out part, gain = held-out CTR x CPC, over the products with held-out views. Unlike
/// <see cref="OfflineEvaluation"/> (one K, NDCG and revenue share), this measures NDCG and mean gain at any depths and
/// any fraction; each scorer still fits once per seed.
/// </summary>
internal static class DepthEvaluation
{
    public static DepthReport Run(IReadOnlyList<ProductStats> products, IReadOnlyList<IProductScorer> scorers,
        IReadOnlyList<int> seeds, double fraction = 0.5, IReadOnlyList<ListMetric>? metrics = null, int maxParallelism = 0)
    {
        metrics ??= ListMetric.Standard;
        var names = scorers.Select(s => s.Name).ToList();
        if (names.Distinct().Count() != names.Count) throw new ArgumentException("scorer names must be distinct", nameof(scorers));
        var values = scorers.Select(_ => metrics.Select(_ => new double[seeds.Count]).ToArray()).ToArray();
        var measuredCount = new int[seeds.Count];
        var parallel = maxParallelism > 0 ? maxParallelism : Math.Max(1, Environment.ProcessorCount);
        // Each seed is self-contained (its own split and fits), so the numbers do not depend on the parallelism.
        Parallel.For(0, seeds.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel }, s =>
        {
            var (train, test) = ImpressionThinning.Split(products, seeds[s], fraction);
            var (gains, measured) = HeldOutGains(test);
            measuredCount[s] = measured.Count(m => m);
            for (var j = 0; j < scorers.Count; j++)
            {
                var row = Measure(scorers[j].Score(train), gains, measured, metrics);
                for (var m = 0; m < metrics.Count; m++) values[j][m][s] = row[m];
            }
        });
        return new DepthReport(fraction, seeds.ToArray(), names, metrics.ToArray(), values, measuredCount.Length == 0 ? 0 : measuredCount.Min());
    }

    /// <summary>Held-out gain (CTR x CPC) of every product and whether it can be measured (has held-out views).</summary>
    public static (double[] Gains, bool[] Measured) HeldOutGains(IReadOnlyList<ProductStats> test)
    {
        var gains = new double[test.Count];
        var measured = new bool[test.Count];
        for (var i = 0; i < test.Count; i++)
        {
            measured[i] = test[i].Impressions > 0;
            gains[i] = measured[i] ? test[i].RawCtr * test[i].Cpc : 0;
        }
        return (gains, measured);
    }

    /// <summary>
    /// Every metric of the order <paramref name="scores"/> induces on the measured products (ties in input order).
    /// NDCG@K divides by the DCG of the best order of the same products; mean gain is over min(K, measured) products.
    /// </summary>
    public static double[] Measure(IReadOnlyList<double> scores, IReadOnlyList<double> gains, IReadOnlyList<bool> measured,
        IReadOnlyList<ListMetric> metrics)
    {
        var idx = Enumerable.Range(0, scores.Count).Where(i => measured[i]).ToArray();
        var byScore = RankOrder.Descending(idx.Select(i => scores[i]).ToArray()).Select(j => gains[idx[j]]).ToArray();
        var ideal = idx.Select(i => gains[i]).OrderByDescending(g => g).ToArray();
        // Prefix sums once, then every metric is a lookup.
        var n = idx.Length;
        var dcg = new double[n + 1];
        var idcg = new double[n + 1];
        var sum = new double[n + 1];
        for (var r = 0; r < n; r++)
        {
            var discount = 1 / Math.Log2(r + 2);
            dcg[r + 1] = dcg[r] + byScore[r] * discount;
            idcg[r + 1] = idcg[r] + ideal[r] * discount;
            sum[r + 1] = sum[r] + byScore[r];
        }
        return metrics.Select(m =>
        {
            var top = (int)Math.Min((long)m.K, n);
            return m.Kind switch
            {
                ListMetricKind.Ndcg => idcg[top] > 0 ? dcg[top] / idcg[top] : 0,
                ListMetricKind.MeanGain => top > 0 ? sum[top] / top : 0,
                _ => throw new ArgumentOutOfRangeException(nameof(metrics)),
            };
        }).ToArray();
    }
}
