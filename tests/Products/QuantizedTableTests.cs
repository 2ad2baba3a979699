using Workbook.Products.Classification;
using Xunit;

namespace Workbook.Tests.Products;

public class QuantizedTableTests
{
    /// <summary>Prediction scores from int8 rows: every logit within the rounding bound of the float weights
    /// (half a quantisation step per weight, times the feature's value), for narrow and wide nodes (one to several
    /// cache lines per row), and through a save/load of the raw rows.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(12)]
    [InlineData(16)]
    [InlineData(44)]
    [InlineData(115)]
    public void Int8_scores_stay_within_the_rounding_bound_of_the_float_scores(int k)
    {
        var rng = new Random(k);
        const int rows = 1024;
        var block = new LogisticBlock(rows, k, salt: 0x1234u);
        for (var i = 0; i < block.Weights.Length; i++) block.Weights[i] = (float)(rng.NextDouble() * 4 - 2);
        for (var i = 0; i < 64 * k; i++) block.Weights[i] = 0f; // all-zero rows quantise to zero, not NaN
        for (var i = 0; i < k; i++) block.Bias[i] = (float)rng.NextDouble();
        var table = QuantizedTable.From(block);
        var index = Enumerable.Range(0, 150).Select(_ => rng.Next(1 << 20)).Distinct().Order().ToArray();
        var value = index.Select(_ => (float)rng.NextDouble()).ToArray();

        var exact = new float[k];
        block.Score(index, value, exact);
        var scores = new float[table.PaddedK];
        table.Score(index, value, scores);

        var bound = 1e-4;
        for (var f = 0; f < index.Length; f++)
        {
            var row = block.Weights.AsSpan(block.Row(index[f]) * k, k);
            var max = row.ToArray().Max(Math.Abs);
            bound += value[f] * max / 127 / 2;
        }
        for (var c = 0; c < k; c++)
            Assert.InRange(scores[c], exact[c] - bound, exact[c] + bound);
        Assert.Contains(scores.Take(k), s => s != 0f);
        Assert.Equal(0f, table.Weight(3, k - 1));

        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) table.Write(w);
        stream.Position = 0;
        var loaded = QuantizedTable.Read(new BinaryReader(stream), rows, k, 0x1234u);
        var again = new float[loaded.PaddedK];
        loaded.Score(index, value, again);
        Assert.Equal(scores.Take(k), again.Take(k));
    }

    [Fact]
    public void Each_weight_is_the_rounded_multiple_of_its_rows_scale()
    {
        var block = new LogisticBlock(256, 3, salt: 7u);
        block.Weights[3 * 5 + 0] = 2.54f;
        block.Weights[3 * 5 + 1] = -1.26f;
        block.Weights[3 * 5 + 2] = 0.011f;
        var table = QuantizedTable.From(block);
        Assert.Equal(2.54f, table.Weight(5, 0), 5);
        Assert.Equal(-1.26f, table.Weight(5, 1), 5);
        Assert.Equal(0.02f, table.Weight(5, 2), 5); // 0.011 rounds to one step of 0.02
        Assert.Equal(0f, table.Weight(6, 0));
    }
}
