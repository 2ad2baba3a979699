namespace Workbook.Products.Classification;

/// <summary>Products as compressed sparse rows: row r's features are Index/Value[Start[r]..Start[r+1]).</summary>
internal sealed class SparseRows(int[] start, int[] index, float[] value)
{
    public int[] Start { get; } = start;
    public int[] Index { get; } = index;
    public float[] Value { get; } = value;
    public int Count => Start.Length - 1;

    public ReadOnlySpan<int> Indices(int row) => Index.AsSpan(Start[row], Start[row + 1] - Start[row]);
    public ReadOnlySpan<float> Values(int row) => Value.AsSpan(Start[row], Start[row + 1] - Start[row]);

    /// <summary>Stacks per-product rows built in parallel, in order.</summary>
    public static SparseRows Concat(IReadOnlyList<(int[] Index, float[] Value)> rows)
    {
        var start = new int[rows.Count + 1];
        for (var i = 0; i < rows.Count; i++) start[i + 1] = start[i] + rows[i].Index.Length;
        var index = new int[start[^1]];
        var value = new float[start[^1]];
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Index.CopyTo(index, start[i]);
            rows[i].Value.CopyTo(value, start[i]);
        }
        return new SparseRows(start, index, value);
    }
}
