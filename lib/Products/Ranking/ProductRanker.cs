namespace Workbook.Products.Ranking;

/// <summary>
/// The estimator: fits the empirical-Bayes hierarchy (impressions band priors by beta-binomial maximum likelihood,
/// then category multipliers pooled by a Gamma prior, also by maximum likelihood) and returns a <see cref="RankingModel"/>.
/// </summary>
internal static class ProductRanker
{
    /// <summary>Bands with fewer fitted products than this take the global prior (their ML estimate would be noise).</summary>
    public const int MinBandProducts = 50;

    /// <param name="memo">Where band fits are kept across calls (see <see cref="PriorFitMemo"/>); null: fit every band.</param>
    public static RankingModel Fit(IReadOnlyList<ProductStats> products, RankerOptions? options = null, PriorFitMemo? memo = null)
    {
        options ??= new RankerOptions();
        var data = new RankingFitData(options);
        foreach (var p in products) data.Add(p);
        return Fit(data, options, memo);
    }

    internal static RankingModel Fit(RankingFitData data, RankerOptions options, PriorFitMemo? memo = null)
    {
        options.Validate();
        // The bands are cut where the options say, a quantile of this data's views by default; the model keeps the
        // resolved absolute edge (its options say FirstBandEdge = that edge) and the quantile it came from.
        var firstEdge = data.FirstEdge(options);
        var quantile = options.FirstEdgeQuantile;
        options = options with { FirstBandEdge = firstEdge };
        var histograms = Enumerable.Range(0, data.Bands).Select(b => data.Histogram(b, firstEdge)).ToList();
        ZeroInflatedPrior FitFamily(IReadOnlyList<(long Clicks, long Impressions, long Count)> h) =>
            memo is null ? FitUncached(h) : memo.GetOrFit(options.Prior, h, FitUncached);
        ZeroInflatedPrior FitUncached(IReadOnlyList<(long Clicks, long Impressions, long Count)> h) => options.Prior switch
        {
            PriorFamily.Beta => new ZeroInflatedPrior(0, BetaBinomialMle.Fit(h)),
            PriorFamily.ZeroInflatedBeta => ZeroInflatedBetaBinomialMle.Fit(h),
            PriorFamily.HotMixture => HotMixtureBetaBinomialMle.Fit(h),
            _ => throw new ArgumentOutOfRangeException(nameof(options.Prior)),
        };
        // Bands are fitted in parallel (each fit is independent). A band too thin to fit alone borrows the prior of the
        // nearest band that could be fitted (the lower one on a tie): the prior depends on exposure, so the neighbour is a
        // better guess than a prior over every exposure. On the full file this is band 0 (below 20 views, where only the
        // never-shown products fall): they get the least-exposed fitted band's prior. Only when no band can be fitted is
        // one prior fitted on everything (with one band, that band's fit is the global prior).
        var canFit = histograms.Select(h => h.Sum(x => x.Count) >= MinBandProducts && h.Any(s => s.Clicks > 0) && h.Any(s => s.Clicks < s.Impressions)).ToArray();
        var fits = new ZeroInflatedPrior?[data.Bands];
        Parallel.For(0, data.Bands, b => { if (canFit[b]) fits[b] = FitFamily(histograms[b]); });
        var global = canFit.Any(x => x)
            ? (data.Bands == 1 ? fits[0] : null)
            : FitFamily(histograms.SelectMany(h => h).ToList());
        var bands = new List<BandPrior>();
        for (var b = 0; b < data.Bands; b++)
        {
            var from = global is not null && !canFit[b] ? (int?)null : NearestFitted(canFit, b);
            var prior = from is { } f ? fits[f]! : global!;
            bands.Add(new BandPrior(b, ImpressionBands.Label(b, data.Bands, options.FirstBandEdge), prior.Beta, histograms[b].Sum(x => x.Count), histograms[b].Sum(x => x.Count),
                from is null, prior.ZeroMass, prior.HotMass, prior.Hot, from is { } g && g != b ? g : null));
        }

        var totals = data.Categories(firstEdge).Select(c => new CategoryLevel(c.Category, c.Products, c.Viewed, c.Clicks, c.Impressions,
            c.BandImpressions.Select((v, b) => v * bands[b].Mean).Sum(), 1.0)).ToList();
        var (tau, levels) = options.CategoryPooling
            ? CategoryPooling.Fit(totals, options.MinCategorySize)
            : (double.PositiveInfinity, totals);
        return new RankingModel(options, global?.Beta, bands, tau, levels, quantile);
    }

    private static int NearestFitted(bool[] canFit, int band)
    {
        for (var d = 0; d < canFit.Length; d++)
        {
            if (band - d >= 0 && canFit[band - d]) return band - d;
            if (band + d < canFit.Length && canFit[band + d]) return band + d;
        }
        throw new InvalidOperationException("no fitted band"); // callers only ask when one exists
    }
}
