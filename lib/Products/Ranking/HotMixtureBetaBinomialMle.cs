using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Workbook.Products.Ranking;

/// <summary>
/// Maximum-likelihood zero-inflated mixture of two Betas: a product is a dud (CTR 0) with probability pi0, "hot"
/// (CTR ~ Beta(a2, b2)) with probability pi2, otherwise ordinary (CTR ~ Beta(a1, b1)). One Beta over the clickable
/// products has a single strength, so it must shrink the best small products as hard as average ones; the hot
/// component keeps a minority of very clickable products at their own level. Maximised with MathNet's Nelder-Mead over
/// (logits of the three weights, logit mean and log strength of each Beta) from starts built on the zero-inflated fit.
/// </summary>
internal static class HotMixtureBetaBinomialMle
{
    // Strength is capped lower than for one Beta: the small bands' fit tends to point masses (latent classes), and a
    // ridge out to strength 1e7 only costs iterations; 20,000 pseudo-views is already a point mass at these counts.
    private const double MinLogStrength = -4, MaxLogStrength = 10;

    public static ZeroInflatedPrior Fit(IEnumerable<(long Clicks, long Impressions, long Count)> counts)
    {
        var groups = CountGroups.Collapse(counts);
        var zib = ZeroInflatedBetaBinomialMle.Fit(groups);
        var g = groups.Select(x => (C: (double)x.Clicks, N: (double)x.Impressions, W: (double)x.Count)).ToArray();
        var weight = g.Sum(x => x.W);

        double NegLogLik(Vector<double> t)
        {
            var p = Decode(t);
            var (k1, k2) = (new BetaBinomialKernel(p.Beta), new BetaBinomialKernel(p.Hot!));
            var (w0, w2) = (p.ZeroMass, p.HotMass);
            var w1 = 1 - w0 - w2;
            double ll = 0;
            foreach (var (c, n, w) in g)
            {
                var l1 = Math.Log(w1) + k1.LogRatio(c, n);
                var l2 = Math.Log(w2) + k2.LogRatio(c, n);
                var m = Math.Max(l1, l2);
                var mix = Math.Exp(l1 - m) + Math.Exp(l2 - m);
                ll += w * (c > 0 ? m + Math.Log(mix) : Math.Log(w0 + Math.Exp(m) * mix));
            }
            return double.IsFinite(ll) ? -ll / weight : double.MaxValue;
        }

        var best = double.MaxValue;
        Vector<double>? bestT = null;
        var clickable = zib.Beta;
        foreach (var (hotShare, lift, hotStrength) in new[] { (0.10, 3.0, 20.0), (0.03, 5.0, 10.0), (0.25, 2.0, 40.0) })
        {
            var hotMass = (1 - zib.ZeroMass) * hotShare;
            var hotMean = Math.Min(0.5, clickable.Mean * lift);
            var start = Encode(zib.ZeroMass, hotMass, clickable, BetaPrior.FromMeanStrength(hotMean, hotStrength));
            // The objective is a mean log-likelihood per product: 1e-8 is far below any difference that moves a ranking.
            MinimizationResult r;
            try { r = NelderMeadSimplex.Minimum(ObjectiveFunction.Value(NegLogLik), start, 1e-8, 40000); }
            catch (MaximumIterationsException) { continue; } // a start that wanders on a flat ridge; the others decide
            if (r.FunctionInfoAtMinimum.Value < best) (best, bestT) = (r.FunctionInfoAtMinimum.Value, r.MinimizingPoint);
        }
        if (bestT is null) return zib; // no start converged: the one-Beta fit stands
        var fit = Decode(bestT);
        // Keep "hot" the component with the higher mean, so the name means the same in every band.
        return fit.Hot!.Mean >= fit.Beta.Mean ? fit : fit with { Beta = fit.Hot, Hot = fit.Beta, HotMass = 1 - fit.ZeroMass - fit.HotMass };
    }

    public static ZeroInflatedPrior Fit(IEnumerable<(long Clicks, long Impressions)> counts) =>
        Fit(counts.Select(x => (x.Clicks, x.Impressions, 1L)));

    // Weights by softmax over (dud, hot, ordinary = 0).
    private static Vector<double> Encode(double w0, double w2, BetaPrior ordinary, BetaPrior hot)
    {
        var w1 = Math.Max(1e-6, 1 - w0 - w2);
        return Vector<double>.Build.DenseOfArray([Math.Log(Math.Max(w0, 1e-6) / w1), Math.Log(w2 / w1),
            Logit(ordinary.Mean), Math.Log(ordinary.Strength), Logit(hot.Mean), Math.Log(hot.Strength)]);
    }

    private static ZeroInflatedPrior Decode(Vector<double> t)
    {
        double e0 = Math.Exp(Math.Clamp(t[0], -30, 30)), e2 = Math.Exp(Math.Clamp(t[1], -30, 30));
        var z = 1 + e0 + e2;
        BetaPrior Beta(double logitMean, double logStrength) =>
            BetaPrior.FromMeanStrength(1 / (1 + Math.Exp(-Math.Clamp(logitMean, -30, 30))), Math.Exp(Math.Clamp(logStrength, MinLogStrength, MaxLogStrength)));
        return new ZeroInflatedPrior(e0 / z, Beta(t[2], t[3]), e2 / z, Beta(t[4], t[5]));
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
