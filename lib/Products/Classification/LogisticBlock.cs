using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Workbook.Products.Classification;

/// <summary>
/// K independent binary logistic regressions (one-vs-rest) over a hashed weight table laid out row-major, so a
/// feature's K weights are contiguous and every update is one short dense vector operation. Rows are the feature
/// bucket re-hashed with the block's salt into <see cref="Rows"/> (a power of two). A block can be a column view (<c>offset</c>, <c>stride</c>) of a wider table, so that
/// column ranges of one node train in parallel in place and prediction still reads one table per node.
/// </summary>
internal sealed class LogisticBlock
{
    private readonly int _stride;
    private readonly int _offset;

    public int Rows { get; }
    public int K { get; }
    public uint Salt { get; }
    /// <summary>The whole table (Rows x stride), shared with other views.</summary>
    public float[] Weights { get; }
    /// <summary>The whole bias vector (stride), shared with other views.</summary>
    public float[] Bias { get; }

    public LogisticBlock(int rows, int k, uint salt, float[]? weights = null, float[]? bias = null, int stride = 0, int offset = 0)
    {
        if ((rows & (rows - 1)) != 0) throw new ArgumentException("Hashed rows must be a power of two.");
        Rows = rows;
        K = k;
        Salt = salt;
        _stride = stride == 0 ? k : stride;
        _offset = offset;
        Weights = weights ?? new float[(long)rows * _stride];
        Bias = bias ?? new float[_stride];
        if (Weights.LongLength != (long)rows * _stride || Bias.Length != _stride || offset + k > _stride)
            throw new ArgumentException("Weight table shape does not match rows, stride and offset.");
    }

    /// <summary>A view of columns [offset, offset + k) of this block's table.</summary>
    public LogisticBlock View(int offset, int k) => new(Rows, k, Salt, Weights, Bias, _stride, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Row(int feature) => (int)(FeatureHashing.Mix((uint)feature ^ Salt) & (uint)(Rows - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<float> RowSpan(int row) => Weights.AsSpan(row * _stride + _offset, K);

    /// <summary>Table rows of a product's features, prefetched: the rows are scattered, so asking for all of them
    /// before the first multiply-add overlaps the cache misses instead of paying them one by one.</summary>
    private unsafe void RowsOf(ReadOnlySpan<int> index, Span<int> rows)
    {
        fixed (float* w = Weights)
            for (var f = 0; f < index.Length; f++)
            {
                var r = Row(index[f]);
                rows[f] = r;
                if (Sse.IsSupported) Sse.Prefetch0(w + (long)r * _stride + _offset);
            }
    }

    /// <summary>Raw scores (logits) of one product into <paramref name="scores"/> (length K).</summary>
    public void Score(ReadOnlySpan<int> index, ReadOnlySpan<float> value, Span<float> scores)
    {
        Span<int> rows = index.Length <= 1024 ? stackalloc int[index.Length] : new int[index.Length];
        RowsOf(index, rows);
        ScoreRows(rows, value, scores);
    }

    private void ScoreRows(ReadOnlySpan<int> rows, ReadOnlySpan<float> value, Span<float> scores)
    {
        Bias.AsSpan(_offset, K).CopyTo(scores);
        if (K >= Vector<float>.Count)
        {
            for (var f = 0; f < rows.Length; f++)
                TensorPrimitives.MultiplyAdd(RowSpan(rows[f]), value[f], scores, scores);
            return;
        }
        // Nodes with a handful of children: the library call's set-up costs more than the arithmetic. Same
        // operations in the same order (multiply, then add; not fused), so the scores are bit-identical.
        ref var s0 = ref MemoryMarshal.GetReference(scores);
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(Weights);
        for (var f = 0; f < rows.Length; f++)
        {
            ref var w = ref Unsafe.Add(ref w0, (nint)rows[f] * _stride + _offset);
            var v = value[f];
            for (var c = 0; c < K; c++)
                Unsafe.Add(ref s0, c) += Unsafe.Add(ref w, c) * v;
        }
    }

    /// <summary>
    /// Trains the block on <paramref name="examples"/> (rows of <paramref name="x"/>) for a number of epochs, each
    /// in a fresh seeded order. <paramref name="positives"/>[i] lists the columns that are 1 for <paramref name="examples"/>[i].
    /// With <paramref name="averageEpochs"/> &gt; 0 the block ends with the mean of the iterates after every update of
    /// the last <paramref name="averageEpochs"/> epochs (averaged SGD, Polyak and Juditsky 1992) instead of the last
    /// iterate: the same model size and prediction cost, less of the last updates' noise. The mean is kept lazily
    /// (Xu 2011): beside each update d of the n-th averaged step, u += (n - 1) d, and the mean of N iterates is
    /// w - u / N, so a step costs one more vector multiply-add per feature, not a pass over the table.
    /// </summary>
    public void Train(SparseRows x, int[] examples, int[][] positives, int epochs, float learningRate, float l2,
        OptimizerKind optimizer, int seed, CancellationToken cancel = default, NodeLoss loss = NodeLoss.Sigmoid, int averageEpochs = 0)
    {
        var k = K;
        averageEpochs = Math.Clamp(averageEpochs, 0, epochs);
        // The averaging sums, view-local (row * k + column): only this view's columns, freed when the view is trained.
        var u = averageEpochs > 0 ? new float[(long)Rows * k] : null;
        var uBias = new float[k];
        long averaged = 0;
        var g2 = optimizer == OptimizerKind.AdaGrad ? new float[(long)Rows * k] : null;
        var g2Row = optimizer == OptimizerKind.RowAdaGrad ? new float[Rows] : null;
        var g2Bias = new float[k];
        var scores = new float[k];
        var grad = new float[k];
        var step = new float[k];
        var tmp = new float[k];
        var rows = new int[examples.Length == 0 ? 1 : examples.Max(x.Length) + 1];
        var bias = Bias.AsSpan(_offset, k);
        var order = Enumerable.Range(0, examples.Length).ToArray();
        var rng = new Random(seed);
        long t = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            rng.Shuffle(order);
            var averaging = u != null && epoch >= epochs - averageEpochs;
            foreach (var position in order)
            {
                // The weight of this step's update in the lazy sum: the n-th averaged step's update reaches n - 1 fewer iterates.
                var n1 = averaging ? averaged++ : 0;
                var e = examples[position];
                var index = x.Indices(e);
                var value = x.Values(e);
                var r = rows.AsSpan(0, index.Length);
                RowsOf(index, r);
                ScoreRows(r, value, scores);
                if (loss == NodeLoss.Softmax)
                {
                    // Cross-entropy against the mean of the product's children (one, except germeval's second paths).
                    TensorPrimitives.SoftMax(scores, grad);
                    var share = 1f / Math.Max(1, positives[position].Length);
                    foreach (var c in positives[position]) grad[c] -= share;
                }
                else
                {
                    TensorPrimitives.Sigmoid(scores, grad);
                    foreach (var c in positives[position]) grad[c] -= 1f;
                }
                t++;
                // Plain SGD decays as 1/sqrt(t); AdaGrad adapts per coordinate (or per row) instead.
                var rate = optimizer == OptimizerKind.Sgd ? learningRate / MathF.Sqrt(1 + t / (float)examples.Length) : learningRate;
                Update(bias, g2Bias, grad, 1f, rate, 0f, step, tmp, averaging ? uBias : default, n1);
                if (g2Row != null)
                {
                    // One accumulator per feature row: AdaGrad on the row's mean squared gradient. A single fused
                    // multiply-add per feature instead of five vector passes, and a fraction of the memory.
                    var meanSquare = TensorPrimitives.SumOfSquares(grad) / k;
                    for (var f = 0; f < r.Length; f++)
                    {
                        var xf = value[f];
                        ref var acc = ref g2Row[r[f]];
                        acc += xf * xf * meanSquare;
                        var eta = rate / (MathF.Sqrt(acc) + 1e-6f);
                        var w = RowSpan(r[f]);
                        if (averaging && n1 > 0)
                        {
                            var uRow = u!.AsSpan(r[f] * k, k);
                            if (l2 > 0) TensorPrimitives.MultiplyAdd(w, -eta * l2 * n1, uRow, uRow);
                            TensorPrimitives.MultiplyAdd(grad, -eta * xf * n1, uRow, uRow);
                        }
                        if (l2 > 0) TensorPrimitives.Multiply(w, 1f - eta * l2, w);
                        TensorPrimitives.MultiplyAdd(grad, -eta * xf, w, w);
                    }
                    continue;
                }
                for (var f = 0; f < r.Length; f++)
                    Update(RowSpan(r[f]), g2 is null ? default : g2.AsSpan(r[f] * k, k), grad, value[f], rate, l2, step, tmp,
                        averaging ? u!.AsSpan(r[f] * k, k) : default, n1);
            }
        }
        if (averaged == 0) return;
        // The mean of the averaged iterates: w - u / N.
        var inverse = -1f / averaged;
        TensorPrimitives.MultiplyAdd(uBias, inverse, bias, bias);
        for (var row = 0; row < Rows; row++)
        {
            var w = RowSpan(row);
            TensorPrimitives.MultiplyAdd(u!.AsSpan(row * k, k), inverse, w, w);
        }
    }

    /// <summary>One (Ada)Grad step on <paramref name="w"/>; with <paramref name="u"/>, also u += <paramref name="n1"/> times the step (averaging).</summary>
    private static void Update(Span<float> w, Span<float> g2, ReadOnlySpan<float> grad, float x, float rate, float l2, Span<float> step, Span<float> tmp,
        Span<float> u = default, long n1 = 0)
    {
        // step = grad * x + l2 * w
        TensorPrimitives.Multiply(grad, x, step);
        if (l2 > 0) TensorPrimitives.MultiplyAdd(w, l2, step, step);
        if (!g2.IsEmpty)
        {
            TensorPrimitives.MultiplyAdd(step, step, g2, g2);
            TensorPrimitives.Sqrt(g2, tmp);
            TensorPrimitives.Add(tmp, 1e-6f, tmp);
            TensorPrimitives.Divide(step, tmp, step);
        }
        if (!u.IsEmpty && n1 > 0) TensorPrimitives.MultiplyAdd(step, -rate * n1, u, u);
        TensorPrimitives.MultiplyAdd(step, -rate, w, w);
    }
}
