namespace Workbook.Products.Ranking;

/// <summary>
/// A zero-inflated Beta prior whose three parameters (logit dud share, logit clickable mean, log strength) are
/// polynomials of degree <see cref="Degree"/> in u = (ln views - <see cref="Center"/>) / <see cref="Scale"/>, fitted
/// jointly on every product by maximum likelihood (<see cref="ZeroInflatedBetaBinomialRegression"/>).
/// Why: the CTR of a product depends on how much it was shown (the current ranking already promotes good products),
/// and doubling bands with a hand-set first edge fit that dependence in steps whose edges are in absolute views, so an
/// edge chosen on thinned halves means something else on full counts. A polynomial in log views has no edges, and
/// scaling every count by a constant only shifts u, which the standardisation absorbs: the same model family on halves
/// and on full counts. u is clamped to the fitted range (a polynomial extrapolates badly); products without views get
/// the prior at the least exposure seen, as the band model gives them the least-exposed band's prior.
/// </summary>
internal record SmoothExposurePrior(double Center, double Scale, double UMin, double UMax, int Degree,
    ZeroInflatedBetaBinomialRegression.Coefficients Coefficients)
{
    /// <summary>The polynomial basis (1, u, ..., u^Degree) at clamped u for <paramref name="views"/>.</summary>
    public double[] Basis(long views) => PowerBasis(Math.Clamp(U(views), UMin, UMax), Degree);

    /// <summary>The prior of a product with <paramref name="views"/> recorded views.</summary>
    public ZeroInflatedPrior At(long views) => Coefficients.At(Basis(views));

    /// <summary>Posterior mean CTR of a product with these counts (Bayes' rule on the dud component, conjugate Beta update).</summary>
    public double PosteriorMean(long clicks, long views) => PosteriorMean(At(views), clicks, views);

    public static double PosteriorMean(ZeroInflatedPrior prior, long clicks, long views)
    {
        var (a, b, pi) = (prior.Beta.Alpha, prior.Beta.Beta, prior.ZeroMass);
        var clickable = (a + clicks) / (a + b + Math.Max(0, views));
        if (clicks > 0 || pi <= 0) return clickable;
        if (views <= 0) return (1 - pi) * clickable;
        var keep = (1 - pi) * Math.Exp(new BetaBinomialKernel(a, b).LogRatio(0, views));
        return keep / (pi + keep) * clickable;
    }

    private double U(long views) => views > 0 ? (Math.Log(views) - Center) / Scale : double.NegativeInfinity;

    /// <summary>
    /// Fits on a (clicks, views, products) histogram; rows without views are ignored. Starts from the single
    /// zero-inflated fit (the intercepts) with zero slopes, so the fit can only improve on one global prior.
    /// </summary>
    public static SmoothExposurePrior Fit(IReadOnlyList<(long Clicks, long Impressions, long Count)> histogram, int degree = 2)
    {
        if (degree is < 0 or > 5) throw new ArgumentOutOfRangeException(nameof(degree), "degree must be 0..5");
        var groups = CountGroups.Collapse(histogram);
        if (groups.Count == 0) throw new ArgumentException("no product with views to fit on", nameof(histogram));
        var w = groups.Sum(g => (double)g.Count);
        var center = groups.Sum(g => g.Count * Math.Log(g.Impressions)) / w;
        var variance = groups.Sum(g => g.Count * Math.Pow(Math.Log(g.Impressions) - center, 2)) / w;
        var scale = variance > 1e-12 ? Math.Sqrt(variance) : 1; // one exposure only: u = 0 everywhere, slopes stay 0
        double U(long n) => (Math.Log(n) - center) / scale;
        var rows = groups.Select(g => new ZeroInflatedBetaBinomialRegression.Row(g.Clicks, g.Impressions, g.Count, PowerBasis(U(g.Impressions), degree))).ToList();
        var single = ZeroInflatedBetaBinomialMle.Fit(groups);
        double[] Start(double intercept) => [intercept, .. new double[degree]];
        var start = new ZeroInflatedBetaBinomialRegression.Coefficients(
            Start(Logit(Math.Clamp(single.ZeroMass, 1e-6, 1 - 1e-6))), Start(Logit(single.Beta.Mean)), Start(Math.Log(single.Beta.Strength)));
        var k = degree == 0 ? start : ZeroInflatedBetaBinomialRegression.Fit(rows, start);
        return new SmoothExposurePrior(center, scale, groups.Min(g => U(g.Impressions)), groups.Max(g => U(g.Impressions)), degree, k);
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    private static double[] PowerBasis(double u, int degree)
    {
        var x = new double[degree + 1];
        x[0] = 1;
        for (var j = 1; j <= degree; j++) x[j] = x[j - 1] * u;
        return x;
    }
}
