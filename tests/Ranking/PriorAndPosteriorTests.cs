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

public class BetaBinomialKernelTests
{
    [Theory]
    [InlineData(0.02, 3.5)]
    [InlineData(1.3, 240.0)]
    [InlineData(0.0004, 0.05)]
    [InlineData(40_000.0, 8_000_000.0)]
    public void Log_ratio_equals_the_sum_of_logs_it_stands_for(double a, double b)
    {
        // For integer counts, ln B(c + a, n - c + b) - ln B(a, b) = sum ln(a + i) + sum ln(b + j) - sum ln(a + b + k): a
        // reference with no log-gamma at all (MathNet's BetaLn difference loses about 1e-9 to cancellation at these strengths).
        static double Rise(double x, long k)
        {
            // Kahan-compensated: a plain sum of 32,168 logs rounds by more than the kernel errs.
            double s = 0, carry = 0;
            for (var i = 0; i < k; i++)
            {
                var y = Math.Log(x + i) - carry;
                var t = s + y;
                carry = t - s - y;
                s = t;
            }
            return s;
        }
        var kernel = new BetaBinomialKernel(a, b);
        foreach (var n in new long[] { 1, 2, 7, 8, 9, 20, 33, 500, 32_168 })
            foreach (var c in new long[] { 0, 1, 2, 5, 8, 9, 30, n / 2, n - 1, n }.Where(c => c >= 0 && c <= n).Distinct())
            {
                var expected = Rise(a, c) + Rise(b, n - c) - Rise(a + b, n);
                // Relative to the size of the terms that cancel: the rises of a + b over n and of b over a (the prior's term).
                var tolerance = 1e-14 * (1 + Math.Abs(Rise(a + b, n)) + a * Math.Log(a + b + n));
                Assert.Equal(expected, kernel.LogRatio(c, n), tolerance);
                // MathNet's BetaLn difference, the previous form, agrees to its own cancellation error.
                var betaLn = MathNet.Numerics.SpecialFunctions.BetaLn(c + a, n - c + b) - MathNet.Numerics.SpecialFunctions.BetaLn(a, b);
                Assert.Equal(betaLn, kernel.LogRatio(c, n), 1e-12 + 1e-13 * Math.Abs(MathNet.Numerics.SpecialFunctions.GammaLn(a + b + n)));
            }
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(3.5)]
    [InlineData(15.9)]
    [InlineData(16.0)]
    [InlineData(240.0)]
    [InlineData(8_000_000.0)]
    public void Digamma_step_equals_the_difference_of_digammas(double y)
    {
        foreach (var h in new[] { 0, 1, 3, 8, 9, 0.37, 41.5, 32_168 })
        {
            var expected = MathNet.Numerics.SpecialFunctions.DiGamma(y + h) - MathNet.Numerics.SpecialFunctions.DiGamma(y);
            Assert.Equal(expected, BetaBinomialKernel.DigammaStep(y, h), 1e-12 * (1 + Math.Abs(MathNet.Numerics.SpecialFunctions.DiGamma(y + h))));
            var logStep = MathNet.Numerics.SpecialFunctions.GammaLn(y + h) - MathNet.Numerics.SpecialFunctions.GammaLn(y);
            Assert.Equal(logStep, BetaBinomialKernel.LogGammaStep(y, h), 1e-12 * (1 + Math.Abs(MathNet.Numerics.SpecialFunctions.GammaLn(y + h))));
        }
    }
}
