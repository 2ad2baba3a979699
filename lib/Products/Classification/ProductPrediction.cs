namespace Workbook.Products.Classification;

/// <summary>A label and the model's probability that the product carries it (joint along its path).</summary>
public readonly record struct LabelProbability(int Label, float Probability);

/// <summary>
/// A hierarchy-consistent label set (every label's ancestors are in it; at least one path) and the probabilities
/// of every label the decoder looked at, most probable first.
/// </summary>
public sealed record ProductPrediction(IReadOnlySet<int> Labels, IReadOnlyList<LabelProbability> Probabilities)
{
    /// <summary>The probability of <paramref name="label"/>, 0 when the decoder did not reach it.</summary>
    public float Probability(int label)
    {
        foreach (var p in Probabilities)
            if (p.Label == label) return p.Probability;
        return 0f;
    }
}
