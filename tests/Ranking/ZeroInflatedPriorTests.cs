using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class ZeroInflatedPriorTests
{
    // pi duds with CTR 0, the rest Beta(alpha, beta): the shape the real file's small bands have.
    private static List<(long, long)> Synthetic(double pi, double alpha, double beta, int products, int seed)
    {
        var rng = new Random(seed);
        var list = new List<(long, long)>();
        for (var i = 0; i < products; i++)
        {
            var n = rng.Next(20, 800);
            var p = rng.NextDouble() < pi ? 0 : Beta.Sample(rng, alpha, beta);
            list.Add((Binomial.Sample(rng, p, n), n));
        }
        return list;
    }

    [Theory]
    [InlineData(0.6, 3.0, 60.0)]
    [InlineData(0.3, 1.5, 40.0)]
    public void Mle_recovers_known_zero_mass_and_beta(double pi, double alpha, double beta)
    {
        var data = Synthetic(pi, alpha, beta, 8000, seed: 21);
        var fit = ZeroInflatedBetaBinomialMle.Fit(data);
        Assert.InRange(fit.ZeroMass, pi - 0.04, pi + 0.04);
        Assert.InRange(fit.Beta.Mean, alpha / (alpha + beta) * 0.9, alpha / (alpha + beta) * 1.1);
        Assert.InRange(fit.Beta.Strength, (alpha + beta) * 0.7, (alpha + beta) * 1.4);
        Assert.True(ZeroInflatedBetaBinomialMle.MeanLogLikelihood(fit, data)
                    >= ZeroInflatedBetaBinomialMle.MeanLogLikelihood(new ZeroInflatedPrior(pi, new BetaPrior(alpha, beta)), data) - 1e-9);
        // A single Beta explains the same data worse, with its mass pushed towards 0 (alpha below the clickable group's).
        var single = BetaBinomialMle.Fit(data);
        Assert.True(ZeroInflatedBetaBinomialMle.MeanLogLikelihood(fit, data) > BetaBinomialMle.MeanLogLikelihood(single, data) + 0.01);
        Assert.True(single.Alpha < alpha);
    }

    [Fact]
    public void Mle_finds_almost_no_duds_where_there_are_none()
    {
        var fit = ZeroInflatedBetaBinomialMle.Fit(Synthetic(0, 4, 100, 6000, seed: 4));
        Assert.True(fit.ZeroMass < 0.02, $"zero mass {fit.ZeroMass}");
        Assert.InRange(fit.Beta.Mean, 0.04 / 1.04 * 0.93, 0.04 / 1.04 * 1.07);
    }

    [Fact]
    public void Beta_family_posterior_is_the_conjugate_update_with_no_dud_weight()
    {
        var model = ProductRanker.Fit(PriorAndPosteriorTests.SmallCatalogue(), new RankerOptions { Prior = PriorFamily.Beta });
        Assert.All(model.Bands, b => Assert.Equal(0, b.ZeroMass));
        var post = model.Posterior("A", 0, 300);
        Assert.Equal(0, post.ZeroWeight);
        Assert.Equal(model.PriorFor("A", 300).Update(0, 300), post.Beta);
        Assert.Equal(post.Beta.Mean, post.Mean, 15);
    }

    [Fact]
    public void Zero_inflated_posterior_weights_are_bayes_rule()
    {
        var model = ProductRanker.Fit(ZeroInflatedCatalogue(), new RankerOptions { Prior = PriorFamily.ZeroInflatedBeta, CategoryPooling = false });
        var pi = model.ZeroMassFor(300);
        Assert.InRange(pi, 0.3, 0.7);
        var prior = model.PriorFor("A", 300);

        // Any click rules a dud out: the posterior is the clickable component's conjugate update.
        var clicked = model.Posterior("A", 1, 300);
        Assert.Equal(0, clicked.ZeroWeight);
        Assert.Equal(prior.Update(1, 300).Mean, clicked.Mean, 15);

        // No clicks in n views: P(dud) = pi / (pi + (1 - pi) B(a, b + n) / B(a, b)).
        var none = model.Posterior("A", 0, 300);
        var stay = Math.Exp(SpecialFunctions.BetaLn(prior.Alpha, prior.Beta + 300) - SpecialFunctions.BetaLn(prior.Alpha, prior.Beta));
        Assert.Equal(pi / (pi + (1 - pi) * stay), none.ZeroWeight, 12);
        Assert.True(none.ZeroWeight > pi);
        Assert.Equal((1 - none.ZeroWeight) * prior.Update(0, 300).Mean, none.Mean, 15);

        // Never shown: the prior itself.
        var unseen = model.Posterior("A", 0, 0);
        Assert.Equal(model.ZeroMassFor(0), unseen.ZeroWeight);
        Assert.Equal(model.Bands[0].Mean, unseen.Mean, 12);

        // One click is read as "clickable", not as luck: far above the single-Beta model's estimate.
        var beta = ProductRanker.Fit(ZeroInflatedCatalogue(), new RankerOptions { Prior = PriorFamily.Beta, CategoryPooling = false });
        Assert.True(clicked.Mean > 1.2 * beta.Posterior("A", 1, 300).Mean);
    }

    [Fact]
    public void Mixture_quantiles_are_exact()
    {
        // CDF of 0.3 * delta_0 + 0.7 * Uniform: 0.3 + 0.7 x, so quantile q is 0 up to 0.3 and (q - 0.3) / 0.7 above.
        var post = new CtrPosterior(0.3, new BetaPrior(1, 1));
        Assert.Equal(0, post.Quantile(0.05));
        Assert.Equal(0, post.Quantile(0.3));
        Assert.Equal((0.95 - 0.3) / 0.7, post.Quantile(0.95), 9);
        Assert.Equal(0.35, post.Mean, 15);
        // With no dud weight it is the Beta's quantile.
        Assert.Equal(1 - Math.Pow(0.95, 1.0 / 9), new CtrPosterior(0, new BetaPrior(1, 9)).Quantile(0.05), 9);
    }

    [Theory]
    [InlineData(0.05, 20.0)]
    [InlineData(0.02, 5.0)]
    public void Beta_quantile_of_a_tiny_alpha_is_positive_and_inverts_the_cdf(double a, double b)
    {
        var x = CtrPosterior.BetaQuantile(a, b, 0.05);
        Assert.True(x > 0, $"quantile {x}");
        Assert.Equal(0.05, SpecialFunctions.BetaRegularized(a, b, x), 6);
    }

    [Fact]
    public void Thompson_draws_of_a_sure_dud_are_zero()
    {
        var rng = new Random(1);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(0, new CtrPosterior(1, new BetaPrior(2, 50)).Sample(rng)));
        var draws = Enumerable.Range(0, 4000).Select(_ => new CtrPosterior(0.5, new BetaPrior(2, 50)).Sample(rng)).ToList();
        Assert.InRange(draws.Count(d => d == 0) / 4000.0, 0.46, 0.54);
    }

    private static List<ProductStats> ZeroInflatedCatalogue()
    {
        var rng = new Random(8);
        return Synthetic(0.5, 3, 60, 3000, seed: 8)
            .Select((x, i) => new ProductStats($"p{i}", i % 2 == 0 ? "A" : "B", 1 + rng.NextDouble(), x.Item1, x.Item2))
            .ToList();
    }
}
