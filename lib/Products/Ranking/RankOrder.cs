namespace Workbook.Products.Ranking;

/// <summary>Sorting helpers shared by ranking and evaluation so both break ties the same way.</summary>
internal static class RankOrder
{
    /// <summary>Indices of <paramref name="scores"/> from highest to lowest; equal scores keep input order (a stable sort, as a spreadsheet would).</summary>
    public static int[] Descending(IReadOnlyList<double> scores)
    {
        var idx = new int[scores.Count];
        for (var i = 0; i < idx.Length; i++) idx[i] = i;
        Array.Sort(idx, (a, b) =>
        {
            var c = scores[b].CompareTo(scores[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return idx;
    }
}
