namespace Workbook.Products.Classification;

/// <summary>
/// Products as sparse rows, one (index, value) pair of arrays a product, kept as the featuriser built them: stacking
/// them into one compressed matrix would hold both copies at once, hundreds of MB with description character n-grams.
/// </summary>
internal sealed class SparseRows((int[] Index, float[] Value)[] rows)
{
    private readonly (int[] Index, float[] Value)[] _rows = rows;

    public int Count => _rows.Length;
    /// <summary>Stored features over all rows.</summary>
    public long NonZeros => _rows.Sum(r => (long)r.Index.Length);

    public ReadOnlySpan<int> Indices(int row) => _rows[row].Index;
    public ReadOnlySpan<float> Values(int row) => _rows[row].Value;
    public int Length(int row) => _rows[row].Index.Length;
}
