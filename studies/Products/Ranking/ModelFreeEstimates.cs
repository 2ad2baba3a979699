namespace Workbook.Products.Ranking;

/// <summary>
/// The check of the claim that "a model-free estimate of held-out CTR built from the same file" reaches
/// NDCG@100 0.67: estimates of held-out CTR with no prior family, some leak-free and some that see held-out clicks,
/// measured on the same thinning splits as the scorers. A leak-free estimate may learn only from the training part
/// (or from other products); anything computed from the whole file has seen the held-out clicks.
/// </summary>
internal static class ModelFreeEstimates
{
    public const string CrossFitted = "cell table, cross-fitted over products (leak-free)";
    public const string Rethinned = "cell table learned by re-thinning the training part (leak-free)";
    public const string InSample = "cell table, in-sample (leaks held-out clicks)";
    public const string WholeFile = "raw CTR of the whole file (leaks held-out clicks)";

    /// <summary>Every estimate's values of <paramref name="metrics"/> per seed, in the order of <see cref="Names"/>.</summary>
    public static DepthReport Run(IReadOnlyList<ProductStats> products, IReadOnlyList<int> seeds, double fraction = 0.5,
        IReadOnlyList<ListMetric>? metrics = null)
    {
        metrics ??= ListMetric.Standard;
        var names = Names;
        var values = names.Select(_ => metrics.Select(_ => new double[seeds.Count]).ToArray()).ToArray();
        var measuredCount = new int[seeds.Count];
        Parallel.For(0, seeds.Count, s =>
        {
            var (train, test) = ImpressionThinning.Split(products, seeds[s], fraction);
            var (gains, measured) = DepthEvaluation.HeldOutGains(test);
            measuredCount[s] = measured.Count(m => m);
            var scores = new[]
            {
                CrossFittedCells(train, test),
                RethinnedCells(train, seeds[s], fraction),
                CellTable(train, test, _ => true).Apply(train),
                products.Select(p => p.RawCtr * p.Cpc).ToArray(),
            };
            for (var j = 0; j < scores.Length; j++)
            {
                var row = DepthEvaluation.Measure(scores[j], gains, measured, metrics);
                for (var m = 0; m < metrics.Count; m++) values[j][m][s] = row[m];
            }
        });
        return new DepthReport(fraction, seeds.ToArray(), names, metrics.ToArray(), values, measuredCount.Length == 0 ? 0 : measuredCount.Min());
    }

    public static IReadOnlyList<string> Names => [CrossFitted, Rethinned, InSample, WholeFile];

    // Products fall into five folds by position; each fold's cells are learned on the other four (training counts of
    // those products -> their held-out CTR), so no product's own held-out clicks enter its estimate.
    private static double[] CrossFittedCells(IReadOnlyList<ProductStats> train, IReadOnlyList<ProductStats> test)
    {
        const int folds = 5;
        var scores = new double[train.Count];
        for (var f = 0; f < folds; f++)
        {
            var table = CellTable(train, test, i => i % folds != f);
            for (var i = f; i < train.Count; i += folds) scores[i] = table.Estimate(train[i]) * train[i].Cpc;
        }
        return scores;
    }

    // The training part thinned again (five sub-seeds, same fraction): cells of the first sub-part -> CTR of the
    // second. Deployable (it never sees held-out clicks), but the cells are learned at a fraction of the exposure they
    // are applied at: the unit problem a prior fitted on the data at hand does not have.
    private static double[] RethinnedCells(IReadOnlyList<ProductStats> train, int seed, double fraction)
    {
        var parts = Enumerable.Range(0, 5).Select(r => ImpressionThinning.Split(train, 1_000_003 * (seed + 1) + r, fraction)).ToList();
        var table = new Cells();
        foreach (var (a, b) in parts) table.Learn(a, b, _ => true);
        return table.Apply(train);
    }

    private static Cells CellTable(IReadOnlyList<ProductStats> from, IReadOnlyList<ProductStats> heldOut, Func<int, bool> use)
    {
        var cells = new Cells();
        cells.Learn(from, heldOut, use);
        return cells;
    }

    /// <summary>
    /// Mean held-out CTR of the products in a (clicks, half-doubling of views) cell; cells with fewer than three
    /// products fall back to their views bin, unseen bins to the product's own raw CTR.
    /// </summary>
    private sealed class Cells
    {
        private readonly Dictionary<(int Clicks, int Views), (double Sum, int Count)> _cells = new();
        private readonly Dictionary<int, (double Sum, int Count)> _bins = new();

        public void Learn(IReadOnlyList<ProductStats> from, IReadOnlyList<ProductStats> heldOut, Func<int, bool> use)
        {
            for (var i = 0; i < from.Count; i++)
            {
                if (!use(i) || from[i].Impressions <= 0 || heldOut[i].Impressions <= 0) continue;
                var key = Key(from[i]);
                _cells.TryGetValue(key, out var c);
                _cells[key] = (c.Sum + heldOut[i].RawCtr, c.Count + 1);
                _bins.TryGetValue(key.Views, out var b);
                _bins[key.Views] = (b.Sum + heldOut[i].RawCtr, b.Count + 1);
            }
        }

        public double Estimate(ProductStats p)
        {
            var key = Key(p);
            if (_cells.TryGetValue(key, out var c) && c.Count >= 3) return c.Sum / c.Count;
            return _bins.TryGetValue(key.Views, out var b) ? b.Sum / b.Count : p.RawCtr;
        }

        public double[] Apply(IReadOnlyList<ProductStats> products) => products.Select(p => Estimate(p) * p.Cpc).ToArray();

        private static (int Clicks, int Views) Key(ProductStats p) => (p.Clicks switch
        {
            <= 6 => (int)p.Clicks,
            <= 9 => 7,
            <= 14 => 8,
            <= 24 => 9,
            <= 40 => 10,
            _ => 11,
        }, p.Impressions <= 0 ? -1 : (int)Math.Floor(2 * Math.Log2(p.Impressions)));
    }
}
