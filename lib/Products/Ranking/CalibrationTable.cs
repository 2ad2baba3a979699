namespace Workbook.Products.Ranking;

/// <summary>
/// One group of products pooled over thinning seeds: how many per seed, the CTR the scorer predicted from the training
/// part and the CTR they got on the held-out part, both weighted by held-out views (predicted clicks / held-out views
/// against clicks / held-out views), and their ratio (1 = calibrated; above 1 the scorer promised too much).
/// </summary>
internal record CalibrationRow(string Group, double ProductsPerSeed, double PredictedCtr, double HeldOutCtr)
{
    public double Ratio => HeldOutCtr > 0 ? PredictedCtr / HeldOutCtr : double.NaN;
}

/// <summary>
/// Calibration on thinning: does a scorer's CTR (its score / CPC; every scorer here but CPC alone is CTR x CPC) match the
/// held-out CTR? Grouped by training exposure (doubling bands of training views) and by decile of the score. A ranking
/// needs the order right, not the level, but a CTR that is off in one exposure band moves that band's products as a
/// block past the others: the by-exposure table finds that, the by-decile table shows whether the top is oversold.
/// </summary>
internal static class CalibrationTable
{
    /// <summary>Lower edge of the first doubling band of training views ([10, 20), [20, 40), ...; below 10 is one group).</summary>
    public const long FirstExposureEdge = 10;

    /// <summary>Doubling bands after the first: the last, open band starts at 10 x 2^7 = 1280 training views.</summary>
    public const int ExposureBands = 8;

    public static IReadOnlyList<CalibrationRow> ByExposure(IReadOnlyList<ProductStats> products, IProductScorer scorer,
        IReadOnlyList<int> seeds, double fraction = 0.5) => Pool(products, scorer, seeds, fraction, [Exposure])[0];

    /// <summary>Deciles of the score among the measured products of each seed; decile 1 is the top tenth of the list.</summary>
    public static IReadOnlyList<CalibrationRow> ByScoreDecile(IReadOnlyList<ProductStats> products, IProductScorer scorer,
        IReadOnlyList<int> seeds, double fraction = 0.5) => Pool(products, scorer, seeds, fraction, [ScoreDecile])[0];

    /// <summary>Both tables from one split and one fit per seed (what a study wants: the fit is the cost).</summary>
    public static (IReadOnlyList<CalibrationRow> ByExposure, IReadOnlyList<CalibrationRow> ByDecile) Both(IReadOnlyList<ProductStats> products,
        IProductScorer scorer, IReadOnlyList<int> seeds, double fraction = 0.5)
    {
        var tables = Pool(products, scorer, seeds, fraction, [Exposure, ScoreDecile]);
        return (tables[0], tables[1]);
    }

    private static readonly Grouping Exposure = new((train, _, _) => train.Select(p => ExposureBand(p.Impressions)).ToArray(), ExposureLabel);

    private static readonly Grouping ScoreDecile = new((_, scores, measured) =>
    {
        var idx = Enumerable.Range(0, scores.Length).Where(i => measured[i]).ToArray();
        var order = RankOrder.Descending(idx.Select(i => scores[i]).ToArray());
        var group = new int[scores.Length];
        for (var r = 0; r < order.Length; r++) group[idx[order[r]]] = (int)(10L * r / order.Length);
        return group;
    }, g => $"decile {g + 1}");

    /// <summary>How products fall into groups (from the training part, the scores and which are measured), and a group's label.</summary>
    private sealed record Grouping(Func<IReadOnlyList<ProductStats>, double[], bool[], int[]> GroupOf, Func<int, string> Label);

    /// <summary>Index of the training-exposure band: 0 below <see cref="FirstExposureEdge"/>, then doubling, the last open.</summary>
    public static int ExposureBand(long views)
    {
        if (views < FirstExposureEdge) return 0;
        var k = 1 + (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(views / FirstExposureEdge)));
        return Math.Min(k, ExposureBands);
    }

    public static string ExposureLabel(int band) => band switch
    {
        0 => $"< {FirstExposureEdge}",
        ExposureBands => $">= {FirstExposureEdge << (band - 1)}",
        _ => $"[{FirstExposureEdge << (band - 1)}, {FirstExposureEdge << band})",
    };

    private static IReadOnlyList<CalibrationRow>[] Pool(IReadOnlyList<ProductStats> products, IProductScorer scorer, IReadOnlyList<int> seeds,
        double fraction, IReadOnlyList<Grouping> groupings)
    {
        var cells = groupings.Select(_ => new SortedDictionary<int, (long Products, double Predicted, double Clicks, double Views)>()).ToArray();
        foreach (var seed in seeds)
        {
            var (train, test) = ImpressionThinning.Split(products, seed, fraction);
            var scores = scorer.Score(train);
            // Products with held-out views and a price: the rest have no held-out CTR or no CTR to read off the score.
            var measured = Enumerable.Range(0, train.Count).Select(i => test[i].Impressions > 0 && train[i].Cpc > 0).ToArray();
            for (var t = 0; t < groupings.Count; t++)
            {
                var groups = groupings[t].GroupOf(train, scores, measured);
                for (var i = 0; i < train.Count; i++)
                {
                    if (!measured[i]) continue;
                    cells[t].TryGetValue(groups[i], out var c);
                    cells[t][groups[i]] = (c.Products + 1, c.Predicted + scores[i] / train[i].Cpc * test[i].Impressions,
                        c.Clicks + test[i].Clicks, c.Views + test[i].Impressions);
                }
            }
        }
        return groupings.Select((g, t) => (IReadOnlyList<CalibrationRow>)cells[t].Select(kv => new CalibrationRow(g.Label(kv.Key),
            (double)kv.Value.Products / seeds.Count, kv.Value.Predicted / kv.Value.Views, kv.Value.Clicks / kv.Value.Views)).ToList()).ToArray();
    }
}
