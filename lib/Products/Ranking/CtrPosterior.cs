using MathNet.Numerics;
using MathNet.Numerics.RootFinding;

namespace Workbook.Products.Ranking;

/// <summary>
/// A product's posterior CTR: 0 with probability <paramref name="ZeroWeight"/> (the dud component of a zero-inflated
/// prior; always 0 for a plain Beta prior or once a product has a click), <paramref name="Hot"/> with probability
/// <paramref name="HotWeight"/> (hot mixture only), else <paramref name="Beta"/>.
/// </summary>
internal readonly record struct CtrPosterior(double ZeroWeight, BetaPrior Beta, double HotWeight = 0, BetaPrior? Hot = null)
{
    public static implicit operator CtrPosterior(BetaPrior beta) => new(0, beta);

    private double OrdinaryWeight => 1 - ZeroWeight - HotWeight;

    public double Mean => OrdinaryWeight * Beta.Mean + (Hot is null ? 0 : HotWeight * Hot.Mean);

    /// <summary>
    /// Exact quantile of the mixture: its CDF is w0 + w1 I_x(a1, b1) + w2 I_x(a2, b2) for x &gt;= 0, so the quantile is 0
    /// for q &lt;= w0; with one Beta it is that Beta's quantile of (q - w0) / (1 - w0), with two the root of the CDF,
    /// which lies between the two Betas' own quantiles at that level (Brent).
    /// </summary>
    public double Quantile(double q)
    {
        if (q <= ZeroWeight) return 0;
        var inner = (q - ZeroWeight) / (1 - ZeroWeight);
        var q1 = BetaQuantile(Beta.Alpha, Beta.Beta, inner);
        if (Hot is null || HotWeight <= 0) return q1;
        var q2 = BetaQuantile(Hot.Alpha, Hot.Beta, inner);
        var (lo, hi) = (Math.Min(q1, q2), Math.Max(q1, q2));
        if (hi - lo < 1e-15) return lo;
        var (w1, w2, a1, b1, a2, b2) = (OrdinaryWeight, HotWeight, Beta.Alpha, Beta.Beta, Hot.Alpha, Hot.Beta);
        var z = ZeroWeight;
        double F(double x) => z + w1 * SpecialFunctions.BetaRegularized(a1, b1, x) + w2 * SpecialFunctions.BetaRegularized(a2, b2, x) - q;
        return Brent.TryFindRoot(F, lo, hi, 1e-12, 200, out var root) ? root : (lo + hi) / 2;
    }

    /// <summary>One posterior draw (Thompson sampling).</summary>
    public double Sample(Random rng)
    {
        if (ZeroWeight <= 0 && HotWeight <= 0) return MathNet.Numerics.Distributions.Beta.Sample(rng, Beta.Alpha, Beta.Beta);
        var u = rng.NextDouble();
        if (u < ZeroWeight) return 0;
        var b = Hot is not null && u < ZeroWeight + HotWeight ? Hot : Beta;
        return MathNet.Numerics.Distributions.Beta.Sample(rng, b.Alpha, b.Beta);
    }

    /// <summary>
    /// MathNet's Beta inverse CDF, except where it returns 0 for a positive quantile (it does for alpha &lt;&lt; 1, whose
    /// lower quantiles are tiny but positive): there the root of I_x(a, b) = q is found in log x with Brent's method.
    /// </summary>
    public static double BetaQuantile(double a, double b, double q)
    {
        var x = MathNet.Numerics.Distributions.Beta.InvCDF(a, b, q);
        if (x > 0 || q <= 0) return x;
        double F(double u) => SpecialFunctions.BetaRegularized(a, b, Math.Exp(u)) - q;
        const double lo = -740; // exp(-740) is near the smallest double; below it the quantile is honestly 0
        if (F(lo) >= 0) return 0;
        return Brent.TryFindRoot(F, lo, 0, 1e-12 * q, 200, out var u) ? Math.Exp(u) : 0;
    }
}
