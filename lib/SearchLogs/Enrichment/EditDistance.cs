namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// Optimal string alignment distance (Damerau-Levenshtein where a substring is edited at most once): insertions,
/// deletions, substitutions and transpositions of adjacent characters each cost 1.
/// </summary>
internal static class EditDistance
{
    /// <summary>The OSA distance, or <c>max + 1</c> as soon as it is known to exceed <paramref name="max"/>.</summary>
    public static int Osa(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max) return max + 1;
        // Common prefix and suffix never change the distance; trimming them keeps the matrix tiny.
        var p = 0;
        while (p < a.Length && p < b.Length && a[p] == b[p]) p++;
        a = a[p..]; b = b[p..];
        var s = 0;
        while (s < a.Length && s < b.Length && a[^(s + 1)] == b[^(s + 1)]) s++;
        a = a[..^s]; b = b[..^s];
        if (a.Length == 0) return b.Length <= max ? b.Length : max + 1;
        if (b.Length == 0) return a.Length <= max ? a.Length : max + 1;

        var n = b.Length + 1;
        Span<int> buffer = n * 3 <= 768 ? stackalloc int[n * 3] : new int[n * 3];
        var prev2 = buffer[..n];
        var prev = buffer.Slice(n, n);
        var cur = buffer.Slice(2 * n, n);
        for (var j = 0; j < n; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            var rowMin = i;
            for (var j = 1; j < n; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    v = Math.Min(v, prev2[j - 2] + 1);
                cur[j] = v;
                if (v < rowMin) rowMin = v;
            }
            if (rowMin > max) return max + 1;
            var t = prev2; prev2 = prev; prev = cur; cur = t;
        }
        var d = prev[n - 1];
        return d <= max ? d : max + 1;
    }
}
