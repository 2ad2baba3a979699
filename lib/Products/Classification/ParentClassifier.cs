namespace Workbook.Products.Classification;

/// <summary>
/// The one-vs-rest classifier of one tree node (or the virtual root, <see cref="Node"/> = -1) over its children:
/// P(child | node), scored from the node's quantised table; <see cref="Softmax"/>: the children's probabilities are a
/// softmax of their scores (exactly one child), else each child's own sigmoid.
/// </summary>
internal sealed class ParentClassifier(int node, int[] children, QuantizedTable table, bool softmax = false)
{
    public int Node { get; } = node;
    public int[] Children { get; } = children;
    public QuantizedTable Table { get; } = table;
    public bool Softmax { get; } = softmax;

    /// <summary>Logits of every child, in <see cref="Children"/> order, into <paramref name="scores"/>[0..K) (length at least <see cref="QuantizedTable.PaddedK"/>).</summary>
    public void Score(ReadOnlySpan<int> index, ReadOnlySpan<float> value, Span<float> scores) => Table.Score(index, value, scores);
}
