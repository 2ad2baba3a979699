namespace Workbook.Products.Classification;

/// <summary>
/// The one-vs-rest classifier of one tree node (or the virtual root, <see cref="Node"/> = -1) over its children:
/// P(child | node). Large nodes are cut into column blocks that train independently (and in parallel).
/// </summary>
internal sealed class ParentClassifier(int node, int[] children, LogisticBlock[] blocks)
{
    public int Node { get; } = node;
    public int[] Children { get; } = children;
    public LogisticBlock[] Blocks { get; } = blocks;

    /// <summary>Logits of every child, in <see cref="Children"/> order.</summary>
    public void Score(ReadOnlySpan<int> index, ReadOnlySpan<float> value, Span<float> scores)
    {
        var offset = 0;
        foreach (var b in Blocks)
        {
            b.Score(index, value, scores.Slice(offset, b.K));
            offset += b.K;
        }
    }
}
