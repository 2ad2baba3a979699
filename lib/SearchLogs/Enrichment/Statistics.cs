namespace Workbook.SearchLogs.Enrichment;

/// <summary>An estimate with its 95% confidence interval and the number of cases behind it.</summary>
public sealed record Estimate(double Value, double Low, double High, int N)
{
    public override string ToString() => $"{Value:0.000} [{Low:0.000}, {High:0.000}] (n={N})";
}

/// <summary>Confidence intervals for small samples.</summary>
internal static class Statistics
{
    /// <summary>Wilson score interval for a proportion (better than the normal approximation when n is small or p is near 0 or 1).</summary>
    public static Estimate Wilson(int successes, int n, double z = 1.959964)
    {
        if (n == 0) return new Estimate(double.NaN, 0, 1, 0);
        var (low, high) = WilsonInterval.Of(successes, n, z);
        return new Estimate((double)successes / n, low, high, n);
    }

    /// <summary>
    /// Percentile bootstrap of the mean of <paramref name="values"/> (resampling cases with replacement, seeded).
    /// </summary>
    public static Estimate BootstrapMean(IReadOnlyList<double> values, int resamples = 2000, int seed = 42)
    {
        var n = values.Count;
        if (n == 0) return new Estimate(double.NaN, double.NaN, double.NaN, 0);
        var random = new Random(seed);
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (var i = 0; i < n; i++) sum += values[random.Next(n)];
            means[r] = sum / n;
        }
        Array.Sort(means);
        return new Estimate(values.Average(), means[(int)(0.025 * (resamples - 1))], means[(int)(0.975 * (resamples - 1))], n);
    }
}
