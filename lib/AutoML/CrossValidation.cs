namespace Workbook.AutoML;

/// <summary>Seeded k-fold partitions of <c>0..n-1</c>: every index is in exactly one test fold.</summary>
internal static class CrossValidation
{
    public static IEnumerable<(int[] Train, int[] Test)> Folds(int n, int k, int seed)
    {
        if (k < 2 || k > n) throw new ArgumentException($"Cross-validation needs 2 <= k ({k}) <= n ({n}).");
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        for (var f = 0; f < k; f++)
        {
            int start = n * f / k, end = n * (f + 1) / k;
            yield return (order[..start].Concat(order[end..]).ToArray(), order[start..end]);
        }
    }
}
