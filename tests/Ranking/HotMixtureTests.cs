using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class HotMixtureTests
{
    // 50% duds, 40% ordinary around 3%, 10% hot around 20%: the shape the hot mixture is for.
    private static List<(long, long)> Synthetic(int products, int seed)
    {
        var rng = new Random(seed);
        var list = new List<(long, long)>();
        for (var i = 0; i < products; i++)
        {
            var n = rng.Next(30, 300);
            var u = rng.NextDouble();
            var p = u < 0.5 ? 0 : u < 0.9 ? Beta.Sample(rng, 3, 97) : Beta.Sample(rng, 10, 40);
            list.Add((Binomial.Sample(rng, p, n), n));
        }
        return list;
    }

    [Fact]
    public void Mle_recovers_the_hot_minority_and_explains_the_data_better_than_one_beta()
    {
        var data = Synthetic(6000, 3);
        var hot = HotMixtureBetaBinomialMle.Fit(data);
        Assert.InRange(hot.ZeroMass, 0.45, 0.55);
        Assert.InRange(hot.HotMass, 0.07, 0.13);
        Assert.InRange(hot.Hot!.Mean, 0.17, 0.23);
        Assert.InRange(hot.Beta.Mean, 0.025, 0.035);
        // The zero-inflated single Beta must stretch one Beta over both groups: a weaker, wider prior.
        var zib = ZeroInflatedBetaBinomialMle.Fit(data);
        Assert.True(zib.Beta.Strength < hot.Beta.Strength);
    }

    [Fact]
    public void Posterior_of_a_product_with_many_clicks_moves_to_the_hot_component()
    {
        var products = Synthetic(4000, 5).Select((x, i) => new ProductStats($"p{i}", "c", 1.0, x.Item1, x.Item2)).ToList();
        var model = ProductRanker.Fit(products, new RankerOptions { Prior = PriorFamily.HotMixture, ImpressionBands = 1 });
        var lucky = model.Posterior("c", 2, 40);   // 5%: most likely ordinary
        var hot = model.Posterior("c", 8, 40);     // 20%: most likely hot
        Assert.True(hot.HotWeight > 0.9 && lucky.HotWeight < 0.5, $"{hot.HotWeight} {lucky.HotWeight}");
        Assert.Equal(0, hot.ZeroWeight);
        var zib = ProductRanker.Fit(products, new RankerOptions { Prior = PriorFamily.ZeroInflatedBeta, ImpressionBands = 1 });
        Assert.True(hot.Mean > zib.Posterior("c", 8, 40).Mean); // less shrinkage of the clear winner
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(0.95)]
    public void Mixture_quantile_inverts_the_mixture_cdf(double q)
    {
        var post = new CtrPosterior(0.02, new BetaPrior(4, 120), 0.3, new BetaPrior(12, 50));
        var x = post.Quantile(q);
        var cdf = 0.02 + 0.68 * SpecialFunctions.BetaRegularized(4, 120, x) + 0.3 * SpecialFunctions.BetaRegularized(12, 50, x);
        Assert.Equal(q, cdf, 9);
        Assert.Equal(0.68 * 4 / 124.0 + 0.3 * 12 / 62.0, post.Mean, 12);
        Assert.Equal(0, new CtrPosterior(0.6, new BetaPrior(4, 120), 0.1, new BetaPrior(12, 50)).Quantile(0.5));
    }

    [Fact]
    public void Nonparametric_prior_finds_two_point_masses()
    {
        var rng = new Random(9);
        var groups = Enumerable.Range(0, 3000).Select(_ => { var n = 200L; var p = rng.NextDouble() < 0.7 ? 0.01 : 0.1; return ((long)Binomial.Sample(rng, p, (int)n), n, 1L); });
        var w = NonparametricPriorScorer.Fit(CountGroups.Collapse(groups), 300);
        // Grid points are 0.25% apart: mass near 1% and near 10%, in about the true shares.
        double Near(double p) => w.Select((x, k) => (x, k)).Where(t => Math.Abs(t.k * 0.0025 - p) <= 0.0076).Sum(t => t.x);
        Assert.InRange(Near(0.01), 0.62, 0.78);
        Assert.InRange(Near(0.10), 0.22, 0.38);
        Assert.True(NonparametricPriorScorer.PosteriorMean(w, 20, 200) > NonparametricPriorScorer.PosteriorMean(w, 2, 200));
    }
}
