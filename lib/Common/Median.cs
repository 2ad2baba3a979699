namespace Workbook;

/// <summary>
/// The middle element of a sample, taken as an element (no averaging of the two middle ones), so a median of counts
/// stays a count and a median of timed runs is one of the runs. The one copy the profiles, benchmarks and tests use.
/// </summary>
internal static class Median
{
    /// <summary>The upper median: element n/2 in ascending order; <paramref name="empty"/> when there are none.</summary>
    public static T Of<T>(IEnumerable<T> values, T empty = default!) => By(values, v => v, empty);

    /// <summary>The element whose <paramref name="key"/> is the upper median (e.g. the run of median wall time, with its CPU time).</summary>
    public static T By<T, TKey>(IEnumerable<T> values, Func<T, TKey> key, T empty = default!)
    {
        var sorted = values.OrderBy(key).ToList();
        return sorted.Count == 0 ? empty : sorted[sorted.Count / 2];
    }

    /// <summary>The lower median: element (n-1)/2 in ascending order (differs from <see cref="Of{T}"/> only for even n).</summary>
    public static T Lower<T>(IEnumerable<T> values, T empty = default!)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? empty : sorted[(sorted.Count - 1) / 2];
    }
}
