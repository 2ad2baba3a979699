using MathNet.Numerics.Distributions;

namespace Workbook.Products.Ranking;

/// <summary>
/// How far any score can get ahead of raw CTR x CPC on this file, measured where the truth is known. A simulated
/// world keeps the file's views, CPCs, categories and empty-views rows and redraws its clicks: each product's CTR is a
/// draw from the model's posterior given its recorded counts (so the CTRs spread as the data says they do, and a
/// product seen 5,000 times keeps about its own CTR), then clicks ~ Binomial(views, CTR). In such a world the model's
/// prior family is right, and an oracle that knows every product's true CTR bounds every score: the thinning
/// evaluation of the real file then runs unchanged. What the model cannot reach there, no better prior can reach on
/// the real file either, unless the real CTRs spread in a way the recorded clicks do not show.
/// </summary>
internal static class RankingCeilingStudy
{
    public const string Oracle = "oracle: each product's true CTR x CPC";

    /// <summary>Seeds of the simulated worlds (each world is then thinned on the report seeds).</summary>
    public static IReadOnlyList<int> WorldSeeds { get; } = Enumerable.Range(1, 10).ToArray();

    /// <summary>The file with its clicks redrawn (see the type's summary) and every product's true CTR, in file order.</summary>
    public static (IReadOnlyList<ProductStats> Products, double[] TrueCtr) World(IReadOnlyList<ProductStats> products, int seed)
    {
        var model = ProductRanker.Fit(products, new RankerOptions());
        var rng = new Random(seed);
        var world = new ProductStats[products.Count];
        var ctr = new double[products.Count];
        for (var i = 0; i < products.Count; i++)
        {
            var p = products[i];
            ctr[i] = model.Posterior(p.CategoryId, p.Clicks, p.Impressions).Sample(rng);
            var clicks = p.Impressions > 0 ? Binomial.Sample(rng, ctr[i], checked((int)p.Impressions)) : 0;
            world[i] = p with { Clicks = clicks };
        }
        return (world, ctr);
    }

    /// <summary>
    /// One depth report per world: the model and the three baselines, then the oracle, each fitted on the
    /// training part of every thinning seed and measured on the held-out part, as on the real file.
    /// </summary>
    public static IReadOnlyList<DepthReport> Run(IReadOnlyList<ProductStats> products, IReadOnlyList<int> worldSeeds,
        IReadOnlyList<int> thinningSeeds, double fraction = 0.5) =>
        worldSeeds.Select(w =>
        {
            var (world, ctr) = World(products, w);
            return DepthEvaluation.Run(world, [.. RankingDepthStudy.Baselines(), new TrueCtrScorer(ctr, Oracle)], thinningSeeds, fraction);
        }).ToList();

    /// <summary>Scores by a known CTR per product (the list's order), times the product's CPC: the simulation's oracle.</summary>
    private sealed record TrueCtrScorer(double[] Ctr, string Name) : IProductScorer
    {
        public double[] Score(IReadOnlyList<ProductStats> products)
        {
            if (products.Count != Ctr.Length) throw new ArgumentException($"the oracle knows {Ctr.Length} products, was given {products.Count}", nameof(products));
            return products.Select((p, i) => Ctr[i] * p.Cpc).ToArray();
        }
    }
}
