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

    /// <summary>
    /// Averaging's lazy sum gives the mean of the iterates. With one training example an epoch is one update, and a
    /// run of e epochs is the first e updates of a longer one (same seed), so the mean of the last A iterates of E
    /// epochs is the mean of the last-iterate models of E-A+1..E epochs.
    /// </summary>
    [Theory]
    [InlineData(OptimizerKind.RowAdaGrad, false, 0f)]
    [InlineData(OptimizerKind.RowAdaGrad, true, 1e-3f)]
    [InlineData(OptimizerKind.AdaGrad, false, 1e-3f)]
    [InlineData(OptimizerKind.Sgd, true, 0f)]
    public void Averaged_weights_are_the_mean_of_the_last_epochs_iterates(OptimizerKind optimizer, bool softmax, float l2)
    {
        var loss = softmax ? NodeLoss.Softmax : NodeLoss.Sigmoid;
        const int rows = 64, k = 3, epochs = 6, averaged = 3;
        var x = new SparseRows([([5, 17, 900], [0.6f, 0.7f, 0.4f])]);
        int[] examples = [0];
        int[][] positives = [[1]];
        LogisticBlock Trained(int e, int average)
        {
            var block = new LogisticBlock(rows, k, salt: 0x77u);
            block.Train(x, examples, positives, e, 0.5f, l2, optimizer, seed: 9, loss: loss, averageEpochs: average);
            return block;
        }
        var mean = new float[rows * k];
        var meanBias = new float[k];
        for (var e = epochs - averaged + 1; e <= epochs; e++)
        {
            var b = Trained(e, 0);
            TensorPrimitives.MultiplyAdd(b.Weights, 1f / averaged, mean, mean);
            TensorPrimitives.MultiplyAdd(b.Bias, 1f / averaged, meanBias, meanBias);
        }
        var avg = Trained(epochs, averaged);
        for (var i = 0; i < mean.Length; i++) Assert.Equal(mean[i], avg.Weights[i], 1e-5f);
        for (var i = 0; i < k; i++) Assert.Equal(meanBias[i], avg.Bias[i], 1e-5f);
        // Not the last iterate: averaging changed something.
        Assert.NotEqual(Trained(epochs, 0).Weights, avg.Weights);
    }
}
