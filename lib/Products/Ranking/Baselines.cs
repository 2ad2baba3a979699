namespace Workbook.Products.Ranking;

/// <summary>Something that, given the products' (training) counts, returns one score per product in the same order.</summary>
internal interface IProductScorer
{
    string Name { get; }
    double[] Score(IReadOnlyList<ProductStats> products);
}

/// <summary>The empirical-Bayes ranker as a scorer (fits on the products it is given; band fits kept in <paramref name="Fits"/> when given).</summary>
internal sealed record BayesScorer(RankerOptions Options, string Name = "empirical Bayes (default options)", PriorFitMemo? Fits = null) : IProductScorer
{
    public double[] Score(IReadOnlyList<ProductStats> products) => ProductRanker.Fit(products, Options, Fits).Scores(products);

    /// <summary>"empirical Bayes, zero-inflated Beta (band x category)"-style name of a ranker configuration.</summary>
    public static string NameOf(RankerOptions o) =>
        $"empirical Bayes, {o.Prior switch { PriorFamily.ZeroInflatedBeta => "zero-inflated Beta", PriorFamily.HotMixture => "hot mixture", _ => "Beta" }} ({(o.ImpressionBands > 1 ? "band" : "global")}{(o.CategoryPooling ? " x category" : "")})";
}

/// <summary>Sort by money per click only.</summary>
public sealed record CpcScorer(string Name = "CPC alone") : IProductScorer
{
    public double[] Score(IReadOnlyList<ProductStats> products) => products.Select(p => p.Cpc).ToArray();
}

/// <summary>Observed clicks / impressions x CPC; never-shown products score 0.</summary>
public sealed record RawCtrScorer(string Name = "raw CTR x CPC") : IProductScorer
{
    public double[] Score(IReadOnlyList<ProductStats> products) => products.Select(p => p.RawCtr * p.Cpc).ToArray();
}

/// <summary>Wilson score interval lower bound of CTR (z = 1.96 by default) x CPC; 0 without impressions.</summary>
internal sealed record WilsonScorer(double Z = 1.96, string Name = "Wilson lower bound x CPC") : IProductScorer
{
    public double[] Score(IReadOnlyList<ProductStats> products) => products.Select(p => Lower(p.Clicks, p.Impressions, Z) * p.Cpc).ToArray();

    public static double Lower(long clicks, long n, double z) => n <= 0 ? 0 : WilsonInterval.Of(clicks, n, z).Low;
}

/// <summary>
/// The additive smoothing of the public solutions, two levels: category CTR = (C_c + m * global) / (V_c + m), product
/// CTR = (c + m * category CTR) / (n + m), with a fixed pseudo-count m (default 100 impressions) at both levels.
/// </summary>
internal sealed record AdditiveSmoothingScorer(double PseudoImpressions = 100, string Name = "additive smoothing (product->category->global)") : IProductScorer
{
    public double[] Score(IReadOnlyList<ProductStats> products)
    {
        double clicks = products.Sum(p => (double)p.Clicks), views = products.Sum(p => (double)p.Impressions);
        var global = views > 0 ? clicks / views : 0;
        var m = PseudoImpressions;
        var category = products.GroupBy(p => p.CategoryId, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => (g.Sum(p => (double)p.Clicks) + m * global) / (g.Sum(p => (double)p.Impressions) + m), StringComparer.Ordinal);
        return products.Select(p => (p.Clicks + m * category[p.CategoryId]) / (p.Impressions + m) * p.Cpc).ToArray();
    }
}
