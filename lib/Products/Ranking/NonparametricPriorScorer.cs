using System.Numerics.Tensors;

namespace Workbook.Products.Ranking;

/// <summary>
/// The most flexible band prior there is, as an evaluation yardstick: per impressions band, the nonparametric maximum-
/// likelihood prior (Kiefer-Wolfowitz NPMLE) of CTR on a fixed grid (0 and 0.25% steps up to 60%), fitted by EM on the
/// (clicks, views) histogram; score = posterior mean x CPC. Every parametric band prior (Beta, zero-inflated, hot
/// mixture) is a special case up to the grid, so if this does not beat a baseline, no prior that depends only on the
/// band will.
/// </summary>
internal sealed record NonparametricPriorScorer(int ImpressionBands = 7, int Iterations = 300, long FirstBandEdge = Ranking.ImpressionBands.FirstEdge, string Name = "nonparametric ML prior per band (NPMLE)") : IProductScorer
{
    private static readonly double[] Grid = [0.0, .. Enumerable.Range(1, 240).Select(i => i * 0.0025)];

    public double[] Score(IReadOnlyList<ProductStats> products)
    {
        var weights = Enumerable.Range(0, ImpressionBands).Select(b => Fit(CountGroups.Collapse(products
            .Where(p => p.Impressions > 0 && Ranking.ImpressionBands.Of(p.Impressions, ImpressionBands, FirstBandEdge) == b)
            .Select(p => (p.Clicks, p.Impressions))), Iterations)).ToArray();
        var cache = new Dictionary<(int, long, long), double>();
        return products.Select(p =>
        {
            var b = Ranking.ImpressionBands.Of(p.Impressions, ImpressionBands, FirstBandEdge);
            if (!cache.TryGetValue((b, p.Clicks, p.Impressions), out var mean))
                cache[(b, p.Clicks, p.Impressions)] = mean = PosteriorMean(weights[b], p.Clicks, p.Impressions);
            return mean * p.Cpc;
        }).ToArray();
    }

    /// <summary>EM for the grid weights: each step sets a grid point's weight to its mean posterior responsibility.</summary>
    public static double[] Fit(IReadOnlyList<(long Clicks, long Impressions, long Count)> groups, int iterations)
    {
        var j = Grid.Length;
        var w = Enumerable.Repeat(1.0 / j, j).ToArray();
        if (groups.Count == 0) return w;
        var like = new double[groups.Count][];
        for (var i = 0; i < groups.Count; i++) like[i] = Likelihoods(groups[i].Clicks, groups[i].Impressions);
        var total = groups.Sum(g => (double)g.Count);
        var next = new double[j];
        var wl = new double[j];
        // Vectorised (TensorPrimitives): the EM step is two passes over the grid per group, 300 steps per band.
        for (var t = 0; t < iterations; t++)
        {
            Array.Clear(next);
            for (var i = 0; i < groups.Count; i++)
            {
                TensorPrimitives.Multiply(w, like[i], wl);
                var f = groups[i].Count / TensorPrimitives.Sum(wl);
                TensorPrimitives.MultiplyAdd(wl, f, next, next);
            }
            TensorPrimitives.Divide(next, total, w);
        }
        return w;
    }

    /// <summary>Posterior mean CTR of (clicks, views) under grid weights <paramref name="w"/>; the prior mean without views.</summary>
    public static double PosteriorMean(double[] w, long clicks, long impressions)
    {
        var l = Likelihoods(clicks, impressions);
        double z = 0, s = 0;
        for (var k = 0; k < Grid.Length; k++)
        {
            z += w[k] * l[k];
            s += w[k] * l[k] * Grid[k];
        }
        return s / z;
    }

    // Binomial likelihood of each grid CTR, scaled so the largest is 1 (the coefficient cancels in every ratio).
    private static double[] Likelihoods(long c, long n)
    {
        var ll = Grid.Select(p => p == 0 ? (c == 0 ? 0 : double.NegativeInfinity) : c * Math.Log(p) + (n - c) * Math.Log(1 - p)).ToArray();
        var max = ll.Max();
        return ll.Select(x => Math.Exp(x - max)).ToArray();
    }
}
