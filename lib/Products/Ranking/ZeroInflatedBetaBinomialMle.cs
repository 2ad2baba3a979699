using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Workbook.Products.Ranking;

/// <summary>
/// A zero-inflated Beta prior: CTR is exactly 0 with probability <paramref name="ZeroMass"/> ("duds"), Beta
/// <paramref name="Hot"/> with probability <paramref name="HotMass"/> (only for the hot mixture), else <paramref name="Beta"/>.
/// </summary>
internal sealed record ZeroInflatedPrior(double ZeroMass, BetaPrior Beta, double HotMass = 0, BetaPrior? Hot = null)
{
    /// <summary>Mean CTR of the mixture.</summary>
    public double Mean => (1 - ZeroMass - HotMass) * Beta.Mean + HotMass * (Hot?.Mean ?? 0);
}

/// <summary>
/// Maximum-likelihood zero-inflated beta-binomial: a product is a dud (CTR 0) with probability pi, otherwise its CTR is
/// Beta(a, b). Likelihood of c clicks in n views: (1 - pi) BB(c | n, a, b) for c &gt; 0 and pi + (1 - pi) BB(0 | n, a, b)
/// for c = 0. A single Beta fitted to the same counts must put its mass near 0 to explain the duds (alpha &lt;&lt; 1) and
/// then reads one click as luck; the mixture lets clicked products be shrunk towards the clickable group instead.
/// Maximised with MathNet's Nelder-Mead over (logit pi, logit mean, log strength), started from the single-Beta fit.
/// </summary>
internal static class ZeroInflatedBetaBinomialMle
{
    private const double MinLogStrength = -4, MaxLogStrength = 16;

    public static ZeroInflatedPrior Fit(IEnumerable<(long Clicks, long Impressions)> counts) => Fit(CountGroups.Collapse(counts));

    /// <summary>Fits to a (clicks, impressions, count) histogram.</summary>
    public static ZeroInflatedPrior Fit(IEnumerable<(long Clicks, long Impressions, long Count)> counts)
    {
        var list = CountGroups.Collapse(counts);
        var single = BetaBinomialMle.Fit(list); // also validates: needs clicks and non-clicks
        var groups = list.Select(g => (C: (double)g.Clicks, N: (double)g.Impressions, W: (double)g.Count)).ToArray();
        var weight = groups.Sum(g => g.W);

        double NegLogLik(Vector<double> t)
        {
            var (pi, prior) = Decode(t);
            var kernel = new BetaBinomialKernel(prior);
            double ll = 0;
            foreach (var (c, n, w) in groups)
            {
                var bb = kernel.LogRatio(c, n);
                ll += w * (c > 0 ? Math.Log(1 - pi) + bb : Math.Log(pi + (1 - pi) * Math.Exp(bb)));
            }
            return double.IsFinite(ll) ? -ll / weight : double.MaxValue;
        }

        // Start from the single Beta refitted on the clicked products' mean, with pi = share of zero-click products
        // in excess of what that Beta would predict (clamped): a start inside the basin of the two-group optimum.
        var zeroShare = groups.Where(g => g.C == 0).Sum(g => g.W) / weight;
        var clicked = groups.Where(g => g.C > 0).ToArray();
        var clickedMean = clicked.Sum(g => g.C * g.W) / clicked.Sum(g => g.N * g.W);
        var best = double.MaxValue;
        Vector<double> bestT = Encode(1e-3, single); // what stands if no start converges
        foreach (var start in new[]
                 {
                     Encode(Math.Clamp(zeroShare * 0.5, 0.01, 0.95), BetaPrior.FromMeanStrength(clickedMean, 20)),
                     Encode(Math.Clamp(zeroShare * 0.8, 0.01, 0.95), BetaPrior.FromMeanStrength(clickedMean, 100)),
                     Encode(1e-3, single),
                 })
        {
            MinimizationResult r;
            try { r = NelderMeadSimplex.Minimum(ObjectiveFunction.Value(NegLogLik), start, 1e-10, 20000); }
            catch (MaximumIterationsException) { continue; } // a start wandering on a flat ridge (a thin band); the others decide
            if (r.FunctionInfoAtMinimum.Value < best) (best, bestT) = (r.FunctionInfoAtMinimum.Value, r.MinimizingPoint);
        }
        var (piHat, betaHat) = Decode(bestT);
        return new ZeroInflatedPrior(piHat, betaHat);
    }

    private static Vector<double> Encode(double pi, BetaPrior p) =>
        Vector<double>.Build.DenseOfArray([Math.Log(pi / (1 - pi)), Math.Log(p.Mean / (1 - p.Mean)), Math.Log(p.Strength)]);

    private static (double Pi, BetaPrior Prior) Decode(Vector<double> t)
    {
        var pi = 1 / (1 + Math.Exp(-Math.Clamp(t[0], -30, 30)));
        var mean = 1 / (1 + Math.Exp(-Math.Clamp(t[1], -30, 30)));
        return (pi, BetaPrior.FromMeanStrength(mean, Math.Exp(Math.Clamp(t[2], MinLogStrength, MaxLogStrength))));
    }

    /// <summary>Mean log-likelihood per product (binomial coefficient dropped, as in <see cref="BetaBinomialMle.MeanLogLikelihood"/>).</summary>
    public static double MeanLogLikelihood(ZeroInflatedPrior prior, IEnumerable<(long Clicks, long Impressions)> counts)
    {
        double ll = 0;
        var k = 0;
        var (a, b, pi) = (prior.Beta.Alpha, prior.Beta.Beta, prior.ZeroMass);
        var kernel = new BetaBinomialKernel(a, b);
        foreach (var (c, n) in counts)
        {
            if (n <= 0) continue;
            var bb = kernel.LogRatio(c, n);
            ll += c > 0 ? Math.Log(1 - pi) + bb : Math.Log(pi + (1 - pi) * Math.Exp(bb));
            k++;
        }
        return k == 0 ? double.NaN : ll / k;
    }
}
