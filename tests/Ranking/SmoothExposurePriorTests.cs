using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class SmoothExposurePriorTests
{
    // Products whose dud share falls and whose clickable CTR rises with exposure, as in the shipped file.
    internal static List<(long Clicks, long Impressions, long Count)> ExposureDependent(int count = 20000, int seed = 11)
    {
        var rng = new Random(seed);
        var rows = new List<(long, long, long)>();
        for (var i = 0; i < count; i++)
        {
            var n = (long)Math.Round(20 * Math.Exp(rng.NextDouble() * Math.Log(100))); // 20 .. 2000, log-uniform
            var u = Math.Log(n / 200.0);
            var dud = rng.NextDouble() < 1 / (1 + Math.Exp(-(-0.5 - 0.8 * u)));
            var p = dud ? 0 : Beta.Sample(rng, 0.02 * Math.Exp(0.2 * u) * 40, (1 - 0.02 * Math.Exp(0.2 * u)) * 40);
            rows.Add((Binomial.Sample(rng, p, (int)n), n, 1));
        }
        return rows;
    }

    [Fact]
    public void Intercept_only_regression_is_the_plain_zero_inflated_fit()
    {
        var h = CountGroups.Collapse(ExposureDependent(5000));
        var plain = ZeroInflatedBetaBinomialMle.Fit(h);
        var rows = h.Select(g => new ZeroInflatedBetaBinomialRegression.Row(g.Clicks, g.Impressions, g.Count, [1.0])).ToList();
        var k = ZeroInflatedBetaBinomialRegression.Fit(rows, new([0.0], [-3.0], [Math.Log(50)]));
        var fitted = k.At([1.0]);
        Assert.Equal(plain.ZeroMass, fitted.ZeroMass, 2);
        Assert.Equal(plain.Beta.Mean, fitted.Beta.Mean, 3);
        // Same maximum: the likelihoods agree even where the flat strength direction lets the parameters drift.
        Assert.Equal(ZeroInflatedBetaBinomialMle.MeanLogLikelihood(plain, h.SelectMany(g => Enumerable.Repeat((g.Clicks, g.Impressions), (int)g.Count))),
            ZeroInflatedBetaBinomialRegression.MeanLogLikelihood(rows, k), 4);
    }

    [Fact]
    public void Regression_recovers_how_duds_and_ctr_move_with_a_covariate()
    {
        // x = +-1; dud share sigmoid(-1 + x), clickable mean sigmoid(-4 + 0.5 x), strength 50, 300 views each.
        var rng = new Random(2);
        var rows = new List<ZeroInflatedBetaBinomialRegression.Row>();
        for (var i = 0; i < 20000; i++)
        {
            var x = i % 2 == 0 ? -1.0 : 1.0;
            var dud = rng.NextDouble() < 1 / (1 + Math.Exp(1 - x));
            var m = 1 / (1 + Math.Exp(4 - 0.5 * x));
            var p = dud ? 0 : Beta.Sample(rng, m * 50, (1 - m) * 50);
            rows.Add(new(Binomial.Sample(rng, p, 300), 300, 1, [1.0, x]));
        }
        var k = ZeroInflatedBetaBinomialRegression.Fit(rows, new([0.0, 0.0], [-3.0, 0.0], [Math.Log(20), 0.0]));
        Assert.InRange(k.Zero[0], -1.15, -0.85);
        Assert.InRange(k.Zero[1], 0.85, 1.15);
        Assert.InRange(k.Mean[0], -4.05, -3.95);
        Assert.InRange(k.Mean[1], 0.45, 0.55);
        Assert.InRange(Math.Exp(k.Strength[0]), 35, 70);
    }

    [Fact]
    public void Smooth_prior_follows_exposure_and_beats_one_global_prior_in_likelihood()
    {
        var h = ExposureDependent();
        var smooth = SmoothExposurePrior.Fit(h, degree: 2);
        var flat = SmoothExposurePrior.Fit(h, degree: 0);
        // Simulated: dud share 0.79 at 20 views, 0.09 at 2000; clickable mean 1.26% and 3.2%.
        Assert.InRange(smooth.At(20).ZeroMass, 0.7, 0.88);
        Assert.InRange(smooth.At(2000).ZeroMass, 0.04, 0.15);
        Assert.InRange(smooth.At(20).Beta.Mean, 0.009, 0.017);
        Assert.InRange(smooth.At(2000).Beta.Mean, 0.027, 0.037);
        Assert.True(smooth.At(2000).Beta.Mean > smooth.At(20).Beta.Mean);
        // Degree 0 is one prior for every exposure.
        Assert.Equal(flat.At(20), flat.At(2000));
        var rows = CountGroups.Collapse(h).Select(g => new ZeroInflatedBetaBinomialRegression.Row(g.Clicks, g.Impressions, g.Count, smooth.Basis(g.Impressions))).ToList();
        var flatRows = rows.Select(r => r with { X = [1.0] }).ToList();
        Assert.True(ZeroInflatedBetaBinomialRegression.MeanLogLikelihood(rows, smooth.Coefficients) >
                    ZeroInflatedBetaBinomialRegression.MeanLogLikelihood(flatRows, flat.Coefficients) + 0.01);
    }

    [Fact]
    public void Exposure_is_clamped_to_the_fitted_range_and_no_views_means_the_least_exposed_prior()
    {
        var smooth = SmoothExposurePrior.Fit(ExposureDependent(4000), degree: 2);
        Assert.Equal(smooth.At(2000), smooth.At(1_000_000));
        Assert.Equal(smooth.At(20), smooth.At(0));
        Assert.Equal(smooth.At(20), smooth.At(3));
    }

    [Fact]
    public void Posterior_mean_known_answers()
    {
        var beta = new BetaPrior(1, 9);
        // No duds: the conjugate mean (1 + 2) / (10 + 10).
        Assert.Equal(0.15, SmoothExposurePrior.PosteriorMean(new ZeroInflatedPrior(0, beta), 2, 10), 12);
        // A click rules a dud out.
        Assert.Equal(0.15, SmoothExposurePrior.PosteriorMean(new ZeroInflatedPrior(0.5, beta), 2, 10), 12);
        // No views: the prior mean, duds included.
        Assert.Equal(0.05, SmoothExposurePrior.PosteriorMean(new ZeroInflatedPrior(0.5, beta), 0, 0), 12);
        // No click in 10 views: dud odds 0.5 : 0.5 B(1, 19) / B(1, 9) = 1 : 9/19.
        var keep = Math.Exp(SpecialFunctions.BetaLn(1, 19) - SpecialFunctions.BetaLn(1, 9));
        Assert.Equal(9 / 19.0, keep, 12);
        Assert.Equal(keep / (1 + keep) * (1 / 20.0), SmoothExposurePrior.PosteriorMean(new ZeroInflatedPrior(0.5, beta), 0, 10), 12);
    }
}
