using MathNet.Numerics;
using MathNet.Numerics.Optimization;

namespace Workbook.Products.Ranking;

/// <summary>A category's totals and its pooled CTR multiplier (1 = the global, band-adjusted CTR level).</summary>
public sealed record CategoryLevel(string CategoryId, long Products, long ViewedProducts, long Clicks, long Impressions,
    double ExpectedClicks, double Factor);

/// <summary>
/// The category level of the hierarchy. A category's clicks C are Poisson around f * E, where E are the clicks its
/// products would get at the global band CTRs and f ~ Gamma(tau, tau) is its multiplier (mean 1). tau is fitted by
/// maximum likelihood on the negative-binomial marginal with MathNet's golden-section search; each category's
/// posterior mean multiplier (tau + C) / (tau + E) shrinks small categories to 1 and lets big ones speak.
/// </summary>
public static class CategoryPooling
{
    /// <summary>Fitted tau and per-category factors. Categories below <paramref name="minViewedProducts"/> (or without exposure) get 1.</summary>
    public static (double Tau, IReadOnlyList<CategoryLevel> Levels) Fit(
        IReadOnlyList<CategoryLevel> totals, int minViewedProducts)
    {
        var used = totals.Where(t => t.ViewedProducts >= minViewedProducts && t.ExpectedClicks > 0).ToArray();
        if (used.Length < 2) return (double.PositiveInfinity, totals.Select(t => t with { Factor = 1 }).ToList());

        double NegLogLik(double logTau)
        {
            var tau = Math.Exp(logTau);
            double ll = 0;
            foreach (var t in used)
            {
                double c = t.Clicks, e = t.ExpectedClicks;
                ll += SpecialFunctions.GammaLn(tau + c) - SpecialFunctions.GammaLn(tau) + tau * Math.Log(tau)
                      + c * Math.Log(e) - (tau + c) * Math.Log(tau + e);
            }
            return -ll;
        }

        // log tau in [-5, 14]: from "categories differ wildly" to "no category effect at all".
        const double lower = -5, upper = 14;
        double logTau;
        try
        {
            logTau = GoldenSectionMinimizer.Minimum(ObjectiveFunction.ScalarValue(NegLogLik), lower, upper, 1e-6, 1000, 0).MinimizingPoint;
        }
        catch (OptimizationException)
        {
            // The likelihood is monotone on the range: the maximum sits on an edge.
            logTau = NegLogLik(lower) <= NegLogLik(upper) ? lower : upper;
        }
        var tauHat = Math.Exp(logTau);
        var usedIds = used.Select(u => u.CategoryId).ToHashSet(StringComparer.Ordinal);
        var levels = totals.Select(t => t with
        {
            Factor = usedIds.Contains(t.CategoryId) ? (tauHat + t.Clicks) / (tauHat + t.ExpectedClicks) : 1.0,
        }).ToList();
        return (tauHat, levels);
    }
}
