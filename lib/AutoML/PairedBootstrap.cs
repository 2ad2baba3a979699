namespace Workbook.AutoML;

/// <summary>
/// One scored item's contribution to a micro-averaged F1 (hierarchical F1 counts the label closures):
/// true positives, predicted labels, gold labels.
/// </summary>
internal readonly record struct F1Counts(int TruePositives, int Predicted, int Gold)
{
    public static double F1(ReadOnlySpan<F1Counts> items)
    {
        long tp = 0, denominator = 0;
        foreach (var c in items) { tp += c.TruePositives; denominator += c.Predicted + c.Gold; }
        return F1(tp, denominator);
    }

    /// <summary>Micro F1 from summed true positives and summed predicted + gold labels.</summary>
    public static double F1(long truePositives, long predictedPlusGold) =>
        predictedPlusGold == 0 ? 0 : 2.0 * truePositives / predictedPlusGold;
}

/// <summary>
/// Paired bootstrap of a micro F1 difference (Efron and Tibshirani; Koehn 2004 for its use in comparing systems):
/// resample the scored items with replacement, score both systems on the same resample, and count how often the
/// candidate wins. Two configurations scored on the same validation products differ by much less noise than either
/// score alone, so this is what tells a real improvement from a lucky validation draw.
/// </summary>
internal static class PairedBootstrap
{
    /// <summary>Share of resamples where <paramref name="candidate"/> scores above <paramref name="incumbent"/> (ties count half).</summary>
    public static double ProbabilityBetter(IReadOnlyList<F1Counts> candidate, IReadOnlyList<F1Counts> incumbent, int resamples = 1000, int seed = 1)
    {
        if (candidate.Count != incumbent.Count || candidate.Count == 0)
            throw new ArgumentException($"Paired bootstrap needs the same non-empty items ({candidate.Count} vs {incumbent.Count}).");
        var random = new Random(seed);
        var n = candidate.Count;
        double wins = 0;
        for (var r = 0; r < resamples; r++)
        {
            long tpA = 0, dA = 0, tpB = 0, dB = 0;
            for (var i = 0; i < n; i++)
            {
                var k = random.Next(n);
                var a = candidate[k];
                var b = incumbent[k];
                tpA += a.TruePositives; dA += a.Predicted + a.Gold;
                tpB += b.TruePositives; dB += b.Predicted + b.Gold;
            }
            var diff = F1Counts.F1(tpA, dA) - F1Counts.F1(tpB, dB);
            wins += diff > 0 ? 1 : diff == 0 ? 0.5 : 0;
        }
        return wins / resamples;
    }
}
