namespace Workbook.Products.Ranking;

/// <summary>Posterior mean CTR under a <see cref="SmoothExposurePrior"/> of degree <see cref="Degree"/> fitted on the products given, x CPC.</summary>
internal record SmoothPriorScorer(int Degree = 2, string? Label = null) : IProductScorer
{
    public string Name => Label ?? $"smooth zero-inflated prior (degree {Degree} in log views)";

    public double[] Score(IReadOnlyList<ProductStats> products)
    {
        var prior = SmoothExposurePrior.Fit(CountGroups.Collapse(products.Select(p => (p.Clicks, p.Impressions))), Degree);
        var cache = new Dictionary<(long, long), double>();
        return products.Select(p =>
        {
            if (!cache.TryGetValue((p.Clicks, p.Impressions), out var mean))
                cache[(p.Clicks, p.Impressions)] = mean = prior.PosteriorMean(p.Clicks, p.Impressions);
            return mean * p.Cpc;
        }).ToArray();
    }
}
