namespace Workbook.Products.Ranking;

/// <summary>
/// The estimator: fits the empirical-Bayes hierarchy (impressions band priors by beta-binomial maximum likelihood,
/// then category multipliers pooled by a Gamma prior, also by maximum likelihood) and returns a <see cref="RankingModel"/>.
/// </summary>
public static class ProductRanker
{
    /// <summary>Bands with fewer fitted products than this take the global prior (their ML estimate would be noise).</summary>
    public const int MinBandProducts = 50;

    public static RankingModel Fit(IReadOnlyList<ProductStats> products, RankerOptions? options = null)
    {
        options ??= new RankerOptions();
        var data = new RankingFitData(options with { FitSampleSize = Math.Max(options.FitSampleSize, products.Count * options.ImpressionBands + 100) });
        foreach (var p in products) data.Add(p);
        return Fit(data, options);
    }

    public static RankingModel Fit(RankingFitData data, RankerOptions options)
    {
        options.Validate();
        var all = Enumerable.Range(0, data.Bands).SelectMany(data.Sample).ToList();
        var zeroInflated = options.Prior == PriorFamily.ZeroInflatedBeta;
        var global = zeroInflated ? ZeroInflatedBetaBinomialMle.Fit(all) : new ZeroInflatedPrior(0, BetaBinomialMle.Fit(all));
        var bands = new List<BandPrior>();
        for (var b = 0; b < data.Bands; b++)
        {
            var sample = data.Sample(b);
            var fitted = sample.Count >= MinBandProducts && sample.Any(s => s.Clicks > 0) && sample.Any(s => s.Clicks < s.Impressions);
            var prior = !fitted ? global : zeroInflated ? ZeroInflatedBetaBinomialMle.Fit(sample) : new ZeroInflatedPrior(0, BetaBinomialMle.Fit(sample));
            bands.Add(new BandPrior(b, ImpressionBands.Label(b, data.Bands), prior.Beta, sample.Count, data.SeenInBand(b), !fitted, prior.ZeroMass));
        }

        var totals = data.Categories().Select(c => new CategoryLevel(c.Category, c.Products, c.Viewed, c.Clicks, c.Impressions,
            c.BandImpressions.Select((v, b) => v * bands[b].Mean).Sum(), 1.0)).ToList();
        var (tau, levels) = options.CategoryPooling
            ? CategoryPooling.Fit(totals, options.MinCategorySize)
            : (double.PositiveInfinity, totals);
        return new RankingModel(options, global.Beta, bands, tau, levels);
    }
}
