using MathNet.Numerics.Distributions;
using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class PriorAndPosteriorTests
{
    private static List<(long, long)> Synthetic(double alpha, double beta, int products, int seed, Func<Random, int> impressions)
    {
        var rng = new Random(seed);
        var list = new List<(long, long)>();
        for (var i = 0; i < products; i++)
        {
            var n = impressions(rng);
            var p = Beta.Sample(rng, alpha, beta);
            list.Add((Binomial.Sample(rng, p, n), n));
        }
        return list;
    }

    [Theory]
    [InlineData(2.0, 98.0)]
    [InlineData(0.5, 20.0)]
    public void Mle_recovers_known_alpha_and_beta(double alpha, double beta)
    {
        var data = Synthetic(alpha, beta, 6000, seed: 11, r => r.Next(50, 800));
        var fit = BetaBinomialMle.Fit(data);
        Assert.InRange(fit.Mean, alpha / (alpha + beta) * 0.93, alpha / (alpha + beta) * 1.07);
        Assert.InRange(fit.Strength, (alpha + beta) * 0.8, (alpha + beta) * 1.25);
        // The MLE is at least as likely as the truth on its own data.
        Assert.True(BetaBinomialMle.MeanLogLikelihood(fit, data) >= BetaBinomialMle.MeanLogLikelihood(new BetaPrior(alpha, beta), data) - 1e-9);
    }

    [Fact]
    public void Mle_without_overdispersion_gives_a_very_strong_prior()
    {
        var rng = new Random(3);
        var data = Enumerable.Range(0, 3000).Select(_ => ((long)Binomial.Sample(rng, 0.03, 400), 400L)).ToList();
        var fit = BetaBinomialMle.Fit(data);
        Assert.InRange(fit.Mean, 0.028, 0.032);
        Assert.True(fit.Strength > 5000, $"strength {fit.Strength}");
    }

    [Fact]
    public void Mle_refuses_data_without_clicks()
    {
        Assert.Throws<ArgumentException>(() => BetaBinomialMle.Fit([(0, 10), (0, 20)]));
        Assert.Throws<ArgumentException>(() => BetaBinomialMle.Fit([(0, 0)]));
    }

    [Fact]
    public void Conjugate_update_and_mean_are_hand_checked()
    {
        var post = new BetaPrior(1, 1).Update(3, 10);
        Assert.Equal(new BetaPrior(4, 8), post);
        Assert.Equal(1.0 / 3, post.Mean, 12);
        Assert.Equal(12, post.Strength);
        Assert.Equal(new BetaPrior(2, 98), BetaPrior.FromMeanStrength(0.02, 100));
    }

    [Fact]
    public void Credible_interval_matches_closed_forms()
    {
        var model = ProductRanker.Fit(SmallCatalogue(), new RankerOptions { CredibleLevel = 0.90 });
        // Beta(1,1) is uniform: the central 90% is [0.05, 0.95].
        var (lo, hi) = model.Interval(new BetaPrior(1, 1));
        Assert.Equal(0.05, lo, 9);
        Assert.Equal(0.95, hi, 9);
        // Beta(1,b): CDF 1-(1-x)^b, so the q-quantile is 1-(1-q)^(1/b).
        (lo, hi) = model.Interval(new BetaPrior(1, 9));
        Assert.Equal(1 - Math.Pow(0.95, 1.0 / 9), lo, 9);
        Assert.Equal(1 - Math.Pow(0.05, 1.0 / 9), hi, 9);
    }

    internal static List<ProductStats> SmallCatalogue(int perCategory = 400, int seed = 5)
    {
        // Two categories, one twice as clickable, plus a one-product category and never-shown products.
        var rng = new Random(seed);
        var list = new List<ProductStats>();
        foreach (var (cat, mean) in new[] { ("A", 0.01), ("B", 0.02) })
            for (var i = 0; i < perCategory; i++)
            {
                var n = rng.Next(20, 2000);
                var p = Beta.Sample(rng, mean * 30, (1 - mean) * 30);
                list.Add(new ProductStats($"{cat}{i}", cat, 1.0 + rng.NextDouble(), Binomial.Sample(rng, p, n), n));
            }
        list.Add(new ProductStats("solo", "C", 1.5, 1, 25));
        for (var i = 0; i < 20; i++) list.Add(new ProductStats($"new{i}", i % 2 == 0 ? "A" : "B", 1.5, 0, 0, ViewsMissing: true));
        return list;
    }
}
