using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.RootFinding;

namespace Workbook.Products.Ranking;

/// <summary>
/// A product's posterior CTR: 0 with probability <paramref name="ZeroWeight"/> (the dud component of a zero-inflated
/// prior; always 0 for a plain Beta prior or once a product has a click), else <paramref name="Beta"/>.
/// </summary>
public readonly record struct CtrPosterior(double ZeroWeight, BetaPrior Beta)
{
    public static implicit operator CtrPosterior(BetaPrior beta) => new(0, beta);

    public double Mean => (1 - ZeroWeight) * Beta.Mean;

    /// <summary>
    /// Exact quantile of the mixture: its CDF is w + (1 - w) I_x(a, b) for x &gt;= 0, so the quantile is 0 for q &lt;= w and
    /// the Beta quantile of (q - w) / (1 - w) above.
    /// </summary>
    public double Quantile(double q) => q <= ZeroWeight ? 0 : BetaQuantile(Beta.Alpha, Beta.Beta, (q - ZeroWeight) / (1 - ZeroWeight));

    /// <summary>One posterior draw (Thompson sampling).</summary>
    public double Sample(Random rng) =>
        ZeroWeight > 0 && rng.NextDouble() < ZeroWeight ? 0 : MathNet.Numerics.Distributions.Beta.Sample(rng, Beta.Alpha, Beta.Beta);

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
