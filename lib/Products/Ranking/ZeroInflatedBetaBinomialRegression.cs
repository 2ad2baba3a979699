using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Workbook.Products.Ranking;

/// <summary>
/// The zero-inflated beta-binomial of <see cref="ZeroInflatedBetaBinomialMle"/> with its three parameters linear in
/// covariates: for a row with covariates x, logit(dud share) = x . P, logit(clickable mean) = x . M, log(strength) = x . S.
/// Maximum likelihood over (P, M, S) with MathNet's BFGS and the analytic digamma gradient (Nelder-Mead if a line search
/// fails). With x = (1) it is the plain zero-inflated fit; with x = (1, u, u^2) in u = standardised log exposure it is a
/// prior that varies smoothly with exposure (<see cref="SmoothExposurePrior"/>).
/// </summary>
internal static class ZeroInflatedBetaBinomialRegression
{
    private const double MinLogStrength = -4, MaxLogStrength = 16;

    /// <summary>One row of the fit: clicks, views, a weight (how many products share it) and the covariates (same length for every row).</summary>
    internal readonly record struct Row(double Clicks, double Views, double Weight, double[] X);

    /// <summary>The fitted coefficients; <see cref="At"/> evaluates the prior for covariates x.</summary>
    internal sealed record Coefficients(double[] Zero, double[] Mean, double[] Strength)
    {
        public ZeroInflatedPrior At(ReadOnlySpan<double> x)
        {
            var (pi, mean, s) = Decode(Dot(Zero, x), Dot(Mean, x), Dot(Strength, x));
            return new ZeroInflatedPrior(pi, BetaPrior.FromMeanStrength(mean, s));
        }
    }

    /// <summary>
    /// Fits from <paramref name="start"/> (e.g. the intercept-only fit with zero slopes). Rows without views are
    /// ignored. The objective is the mean log-likelihood per product, so tolerances do not depend on the sample size.
    /// </summary>
    public static Coefficients Fit(IReadOnlyList<Row> rows, Coefficients start)
    {
        var data = rows.Where(r => r.Views > 0 && r.Weight > 0).ToArray();
        if (data.Length == 0) throw new ArgumentException("no row with views to fit on", nameof(rows));
        var d = start.Zero.Length;
        if (start.Mean.Length != d || start.Strength.Length != d || data.Any(r => r.X.Length != d))
            throw new ArgumentException("covariates and coefficients must have one length", nameof(rows));
        var weight = data.Sum(r => r.Weight);

        (double, Vector<double>) Objective(Vector<double> t)
        {
            double ll = 0;
            var g = new double[3 * d];
            foreach (var r in data)
            {
                double ez = 0, em = 0, es = 0;
                for (var j = 0; j < d; j++) { ez += t[j] * r.X[j]; em += t[d + j] * r.X[j]; es += t[2 * d + j] * r.X[j]; }
                var (pi, mean, s) = Decode(ez, em, es);
                var (a, b) = (mean * s, (1 - mean) * s);
                var (c, n) = (r.Clicks, r.Views);
                var bb = new BetaBinomialKernel(a, b).LogRatio(c, n);
                // Derivatives of bb in a and b: ψ(c + a) - ψ(a) - [ψ(n + a + b) - ψ(a + b)], and the same with n - c and b.
                var rise = BetaBinomialKernel.DigammaStep(a + b, n);
                var dA = BetaBinomialKernel.DigammaStep(a, c) - rise;
                var dB = BetaBinomialKernel.DigammaStep(b, n - c) - rise;
                double dPi, dBb;
                if (c > 0)
                {
                    ll += r.Weight * (Math.Log(1 - pi) + bb);
                    (dPi, dBb) = (-1 / (1 - pi), 1);
                }
                else
                {
                    var e = Math.Exp(bb);
                    var z = pi + (1 - pi) * e;
                    ll += r.Weight * Math.Log(z);
                    (dPi, dBb) = ((1 - e) / z, (1 - pi) * e / z);
                }
                // Chain rule to the linear predictors: pi = sigmoid, mean = sigmoid, strength = exp (zero slope where clamped).
                var gz = dPi * pi * (1 - pi);
                var gm = dBb * (dA - dB) * mean * (1 - mean) * s;
                var gs = es is > MinLogStrength and < MaxLogStrength ? dBb * (dA * a + dB * b) : 0;
                for (var j = 0; j < d; j++)
                {
                    g[j] += r.Weight * gz * r.X[j];
                    g[d + j] += r.Weight * gm * r.X[j];
                    g[2 * d + j] += r.Weight * gs * r.X[j];
                }
            }
            if (!double.IsFinite(ll)) return (double.MaxValue, Vector<double>.Build.Dense(3 * d));
            return (-ll / weight, Vector<double>.Build.DenseOfEnumerable(g.Select(x => -x / weight)));
        }

        var x0 = Vector<double>.Build.DenseOfEnumerable(start.Zero.Concat(start.Mean).Concat(start.Strength));
        Vector<double> best;
        try
        {
            best = new BfgsMinimizer(1e-8, 1e-10, 1e-12, 2000).FindMinimum(ObjectiveFunction.Gradient(Objective), x0).MinimizingPoint;
        }
        catch (Exception e) when (e is MaximumIterationsException or InnerOptimizationException or ArithmeticException)
        {
            best = NelderMeadSimplex.Minimum(ObjectiveFunction.Value(t => Objective(t).Item1), x0, 1e-10, 50000).MinimizingPoint;
        }
        return new Coefficients(best.Take(d).ToArray(), best.Skip(d).Take(d).ToArray(), best.Skip(2 * d).ToArray());
    }

    /// <summary>Mean log-likelihood per product of <paramref name="rows"/> under the coefficients (for comparing fits).</summary>
    public static double MeanLogLikelihood(IReadOnlyList<Row> rows, Coefficients k)
    {
        double ll = 0, w = 0;
        foreach (var r in rows.Where(r => r.Views > 0 && r.Weight > 0))
        {
            var p = k.At(r.X);
            var (a, b) = (p.Beta.Alpha, p.Beta.Beta);
            var bb = new BetaBinomialKernel(a, b).LogRatio(r.Clicks, r.Views);
            ll += r.Weight * (r.Clicks > 0 ? Math.Log(1 - p.ZeroMass) + bb : Math.Log(p.ZeroMass + (1 - p.ZeroMass) * Math.Exp(bb)));
            w += r.Weight;
        }
        return ll / w;
    }

    private static (double Pi, double Mean, double Strength) Decode(double ez, double em, double es) =>
        (1 / (1 + Math.Exp(-Math.Clamp(ez, -30, 30))), 1 / (1 + Math.Exp(-Math.Clamp(em, -30, 30))),
            Math.Exp(Math.Clamp(es, MinLogStrength, MaxLogStrength)));

    private static double Dot(double[] k, ReadOnlySpan<double> x)
    {
        double s = 0;
        for (var j = 0; j < k.Length; j++) s += k[j] * x[j];
        return s;
    }
}
