namespace Workbook;

/// <summary>
/// The Wilson score interval of a proportion: better than the normal approximation when n is small or p is near 0 or
/// 1. The one copy: the enrichment evaluation reports it for shares, the ranking baseline scores by its lower bound.
/// </summary>
internal static class WilsonInterval
{
    /// <summary>(low, high) for <paramref name="successes"/> out of <paramref name="n"/> at normal quantile <paramref name="z"/>, clamped to [0, 1]; (0, 1) when n is 0.</summary>
    public static (double Low, double High) Of(long successes, long n, double z)
    {
        if (n <= 0) return (0, 1);
        var p = (double)successes / n;
        var z2 = z * z;
        var centre = p + z2 / (2.0 * n);
        var margin = z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        var scale = 1 + z2 / n;
        return (Math.Max(0, (centre - margin) / scale), Math.Min(1, (centre + margin) / scale));
    }
}
