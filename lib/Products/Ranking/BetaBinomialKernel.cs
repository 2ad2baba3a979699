using MathNet.Numerics;

namespace Workbook.Products.Ranking;

/// <summary>
/// ln B(c + a, n - c + b) - ln B(a, b) for a fixed Beta(a, b): the beta-binomial log-likelihood of c clicks in n views
/// without the binomial coefficient, the inner loop of every maximum-likelihood fit of a band prior (a fit evaluates
/// it for every (clicks, views) group at every step). Rewritten as
/// [ln Γ(a + c) - ln Γ(a)] + [ln Γ(a + b) - ln Γ(b)] - [ln Γ(n + a + b) - ln Γ(n - c + b)]:
/// the middle term is the prior's, computed once; the first is a product of c terms when c is small (most click
/// counts); a difference of log-gammas at large arguments is taken from Stirling's series with log1p (no cancellation)
/// instead of two log-gamma calls. About three times faster than MathNet's BetaLn difference and
/// more accurate (that difference loses about 1e-13 of |ln Γ(n)| to cancellation); tests check both against sums of logs.
/// </summary>
internal readonly struct BetaBinomialKernel
{
    /// <summary>Rises of at most this many steps are a product of terms (below 1e300 for any prior strength allowed here).</summary>
    private const int ShortRise = 8;

    /// <summary>From here on Stirling's series to z^-7 is exact to about 1e-14 (the next term is 1/(1188 z^9)).</summary>
    private const double StirlingFrom = 16;

    private readonly double _a, _b, _priorTerm;

    public BetaBinomialKernel(double a, double b)
    {
        (_a, _b) = (a, b);
        _priorTerm = LogGammaStep(b, a);
    }

    public BetaBinomialKernel(BetaPrior prior) : this(prior.Alpha, prior.Beta) { }

    /// <summary>ln B(c + a, n - c + b) - ln B(a, b) for <paramref name="c"/> clicks in <paramref name="n"/> views (integers, 0 &lt;= c &lt;= n).</summary>
    public double LogRatio(double c, double n) => LogRise(_a, c) + _priorTerm - LogGammaStep(n - c + _b, _a + c);

    /// <summary>ln Γ(x + k) - ln Γ(x) for an integer k &gt;= 0.</summary>
    private static double LogRise(double x, double k)
    {
        if (k == 0) return 0;
        if (k > ShortRise) return LogGammaStep(x, k);
        var p = x;
        for (var i = 1; i < k; i++) p *= x + i;
        return Math.Log(p);
    }

    /// <summary>ln Γ(y + h) - ln Γ(y) for y, h &gt; 0.</summary>
    internal static double LogGammaStep(double y, double h)
    {
        if (y < StirlingFrom) return SpecialFunctions.GammaLn(y + h) - SpecialFunctions.GammaLn(y);
        // (z - 1/2) ln z - z at z = y + h minus at z = y, regrouped so that nothing large cancels, plus the series' tail.
        var z = y + h;
        return (y - 0.5) * Log1P(h / y) + h * Math.Log(z) - h + StirlingTail(z) - StirlingTail(y);
    }

    /// <summary>ψ(y + h) - ψ(y) for y, h &gt; 0 (digamma): the gradient's counterpart of <see cref="LogGammaStep"/>.</summary>
    internal static double DigammaStep(double y, double h)
    {
        if (h == 0) return 0;
        if (h <= ShortRise && h == Math.Floor(h))
        {
            double sum = 0;
            for (var i = 0; i < h; i++) sum += 1 / (y + i);
            return sum;
        }
        if (y < StirlingFrom) return SpecialFunctions.DiGamma(y + h) - SpecialFunctions.DiGamma(y);
        return Log1P(h / y) + DigammaTail(y + h) - DigammaTail(y);
    }

    // ψ(z) - ln z = -1/(2z) - 1/(12z²) + 1/(120z⁴) - 1/(252z⁶) + 1/(240z⁸) - ...: exact to about 1e-14 from z = 16.
    private static double DigammaTail(double z)
    {
        var r = 1 / z;
        var r2 = r * r;
        return -0.5 * r - r2 * (1.0 / 12 - r2 * (1.0 / 120 - r2 * (1.0 / 252 - r2 / 240)));
    }

    /// <summary>ln(1 + x) without losing x's digits when x is small (Goldberg's correction: the rounding of 1 + x cancels).</summary>
    private static double Log1P(double x)
    {
        var u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    private static double StirlingTail(double z)
    {
        var r = 1 / z;
        var r2 = r * r;
        return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)));
    }
}
