using System.Numerics.Tensors;
using Workbook.Products.Classification;
using Xunit;

namespace Workbook.Tests.Products;

public class LogisticBlockTests
{
    /// <summary>Narrow nodes score with a hand-written loop, wide ones with TensorPrimitives: both must give the
    /// bit-identical logits of multiply-then-add in feature order, so predictions do not depend on the kernel.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(37)]
    public void Scores_are_bit_identical_to_the_vector_reference(int k)
    {
        var rng = new Random(k);
        const int rows = 1024;
        var weights = new float[rows * k];
        for (var i = 0; i < weights.Length; i++) weights[i] = (float)(rng.NextDouble() * 2 - 1);
        var bias = new float[k];
        for (var i = 0; i < k; i++) bias[i] = (float)rng.NextDouble();
        var block = new LogisticBlock(rows, k, salt: 0x1234u, weights: weights, bias: bias);
        var index = Enumerable.Range(0, 150).Select(_ => rng.Next(1 << 20)).Distinct().Order().ToArray();
        var value = index.Select(_ => (float)rng.NextDouble()).ToArray();

        var scores = new float[k];
        block.Score(index, value, scores);

        var expected = (float[])bias.Clone();
        for (var f = 0; f < index.Length; f++)
            TensorPrimitives.MultiplyAdd(weights.AsSpan(block.Row(index[f]) * k, k), value[f], expected, expected);
        Assert.Equal(expected, scores);
        Assert.Contains(scores, s => s != 0f);
    }
}
