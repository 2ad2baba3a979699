using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbook.Products.Classification;

/// <summary>
/// A node's trained <see cref="LogisticBlock"/> as prediction reads it: each row is its float scale followed by K
/// int8 weights (w ≈ scale · q, scale = max|w| / 127), padded to a power-of-two stride up to a cache line. Scoring
/// is bound by scattered row reads (cache and TLB misses), not arithmetic: a row of up to 60 children is one cache
/// line instead of up to four, and the scale arrives with it. The table lives in 64-byte-aligned native memory,
/// advised for transparent huge pages on Linux, so a random row costs fewer TLB misses.
/// </summary>
internal sealed unsafe class QuantizedTable
{
    private const int Line = 64, HugePage = 2 << 20, MadvHugePage = 14;
    private readonly byte* _data;
    private readonly long _bytes;

    public int Rows { get; }
    public int K { get; }
    public uint Salt { get; }
    public float[] Bias { get; }
    /// <summary>Bytes per row: 4 (scale) + K, rounded up to 16, 32, 64 or a multiple of 64.</summary>
    public int Stride { get; }
    /// <summary>Length of the score buffer <see cref="Score"/> writes: K rounded up to a whole vector (the tail is scratch).</summary>
    public int PaddedK => (K + 7) & ~7;
    public long TableBytes => (long)Rows * Stride;

    private QuantizedTable(int rows, int k, uint salt, float[] bias)
    {
        if ((rows & (rows - 1)) != 0) throw new ArgumentException("Rows must be a power of two.");
        Rows = rows;
        K = k;
        Salt = salt;
        Bias = bias;
        Stride = StrideOf(k);
        // One line of slack: the vector kernel reads whole 8-byte groups, past the last row's K weights.
        _bytes = TableBytes + Line;
        var huge = _bytes >= HugePage;
        var allocated = huge ? (_bytes + HugePage - 1) / HugePage * HugePage : _bytes;
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)allocated, huge ? (nuint)HugePage : Line);
        if (huge && OperatingSystem.IsLinux())
        {
            try { _ = Madvise(_data, (nuint)allocated, MadvHugePage); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // a hint only
        }
        NativeMemory.Clear(_data, (nuint)allocated);
        _bytes = allocated;
        GC.AddMemoryPressure(_bytes);
    }

    ~QuantizedTable()
    {
        NativeMemory.AlignedFree(_data);
        GC.RemoveMemoryPressure(_bytes);
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(void* address, nuint length, int advice);

    /// <summary>The bytes <see cref="Read"/> takes for the table body of <paramref name="rows"/> x <paramref name="k"/>.</summary>
    public static long BytesFor(int rows, int k) => (long)rows * StrideOf(k);

    private static int StrideOf(int k)
    {
        var bytes = 4 + k;
        return bytes <= Line ? (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(bytes, 16)) : (bytes + Line - 1) / Line * Line;
    }

    /// <summary>Quantises a trained block (its whole table) row by row.</summary>
    public static QuantizedTable From(LogisticBlock block)
    {
        if (block.Weights.LongLength != (long)block.Rows * block.K)
            throw new ArgumentException("Only a whole hashed table can be quantised.");
        var table = new QuantizedTable(block.Rows, block.K, block.Salt, block.Bias.ToArray());
        var k = block.K;
        for (var r = 0; r < block.Rows; r++)
        {
            var w = block.Weights.AsSpan(r * k, k);
            var max = k == 0 ? 0f : MathF.Abs(TensorPrimitives.MaxMagnitude(w));
            var row = table.RowPointer(r);
            if (max == 0f) continue; // an all-zero row stays zero (scale 0)
            var scale = max / 127f;
            *(float*)row = scale;
            var q = (sbyte*)(row + 4);
            for (var c = 0; c < k; c++) q[c] = (sbyte)Math.Clamp(MathF.Round(w[c] / scale), -127f, 127f);
        }
        return table;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Row(int feature) => (int)(FeatureHashing.Mix((uint)feature ^ Salt) & (uint)(Rows - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* RowPointer(int row) => _data + (long)row * Stride;

    /// <summary>The dequantised weight of (row, column), for tests.</summary>
    internal float Weight(int row, int column) => *(float*)RowPointer(row) * ((sbyte*)(RowPointer(row) + 4))[column];

    /// <summary>Starts loading the rows of a product's features, for a product scored a little later (no result).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Prefetch(ReadOnlySpan<int> index)
    {
        if (!Sse.IsSupported) return;
        foreach (var feature in index)
        {
            var row = RowPointer(Row(feature));
            for (var line = 0; line < Stride; line += Line) Sse.Prefetch0(row + line);
        }
        GC.KeepAlive(this);
    }

    /// <summary>Raw scores (logits) of one product into <paramref name="scores"/>[0..K); the buffer must hold <see cref="PaddedK"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 code in short prediction runs
    public void Score(ReadOnlySpan<int> index, ReadOnlySpan<float> value, Span<float> scores)
    {
        if (scores.Length < PaddedK) throw new ArgumentException($"Score buffer needs {PaddedK} slots.");
        // Ask for every row before the first multiply-add, so the misses overlap instead of queueing one by one.
        var count = index.Length;
        var rows = count <= 1024 ? stackalloc nint[count] : new nint[count];
        for (var f = 0; f < count; f++)
        {
            var row = RowPointer(Row(index[f]));
            rows[f] = (nint)row;
            if (Sse.IsSupported)
                for (var line = 0; line < Stride; line += Line) Sse.Prefetch0(row + line);
        }
        Bias.CopyTo(scores);
        scores[K..PaddedK].Clear();
        fixed (float* s = scores)
        {
            if (Avx2.IsSupported && Fma.IsSupported && PaddedK <= 16)
                ScoreNarrow(rows, value, s);
            else if (Avx2.IsSupported && Fma.IsSupported)
            {
                for (var f = 0; f < count; f++)
                {
                    var row = (byte*)rows[f];
                    var coefficient = Vector256.Create(*(float*)row * value[f]);
                    var q = (sbyte*)(row + 4);
                    for (var c = 0; c < PaddedK; c += 8)
                    {
                        var w = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q + c));
                        Avx.Store(s + c, Fma.MultiplyAdd(w, coefficient, Avx.LoadVector256(s + c)));
                    }
                }
            }
            else
            {
                for (var f = 0; f < count; f++)
                {
                    var row = (byte*)rows[f];
                    var coefficient = *(float*)row * value[f];
                    var q = (sbyte*)(row + 4);
                    for (var c = 0; c < K; c++) s[c] += q[c] * coefficient;
                }
            }
        }
        GC.KeepAlive(this); // the finaliser frees the table: not before the last read
    }

    /// <summary>
    /// Nodes of up to 16 children: the sums stay in registers, two rows at a time into two sets of accumulators, so
    /// consecutive rows do not wait on each other's multiply-add (through memory that chain is the whole cost).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScoreNarrow(ReadOnlySpan<nint> rows, ReadOnlySpan<float> value, float* s)
    {
        var wide = PaddedK > 8;
        var a0 = Avx.LoadVector256(s);
        var a1 = wide ? Avx.LoadVector256(s + 8) : Vector256<float>.Zero;
        Vector256<float> b0 = Vector256<float>.Zero, b1 = Vector256<float>.Zero;
        var f = 0;
        for (; f + 1 < rows.Length; f += 2)
        {
            var r = (byte*)rows[f];
            var t = (byte*)rows[f + 1];
            var cr = Vector256.Create(*(float*)r * value[f]);
            var ct = Vector256.Create(*(float*)t * value[f + 1]);
            a0 = Fma.MultiplyAdd(Weights8(r + 4), cr, a0);
            b0 = Fma.MultiplyAdd(Weights8(t + 4), ct, b0);
            if (wide)
            {
                a1 = Fma.MultiplyAdd(Weights8(r + 12), cr, a1);
                b1 = Fma.MultiplyAdd(Weights8(t + 12), ct, b1);
            }
        }
        if (f < rows.Length)
        {
            var r = (byte*)rows[f];
            var cr = Vector256.Create(*(float*)r * value[f]);
            a0 = Fma.MultiplyAdd(Weights8(r + 4), cr, a0);
            if (wide) a1 = Fma.MultiplyAdd(Weights8(r + 12), cr, a1);
        }
        Avx.Store(s, Avx.Add(a0, b0));
        if (wide) Avx.Store(s + 8, Avx.Add(a1, b1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Weights8(byte* q) => Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32((sbyte*)q));

    /// <summary>Bias, then the raw rows (scales and weights, padding included).</summary>
    public void Write(BinaryWriter w)
    {
        w.Write(MemoryMarshal.AsBytes(Bias.AsSpan()));
        for (long done = 0; done < TableBytes;)
        {
            var n = (int)Math.Min(1 << 30, TableBytes - done);
            w.Write(new ReadOnlySpan<byte>(_data + done, n));
            done += n;
        }
        GC.KeepAlive(this);
    }

    public static QuantizedTable Read(BinaryReader r, int rows, int k, uint salt)
    {
        var bias = new float[k];
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(bias.AsSpan()));
        var table = new QuantizedTable(rows, k, salt, bias);
        for (long done = 0; done < table.TableBytes;)
        {
            var n = (int)Math.Min(1 << 30, table.TableBytes - done);
            r.BaseStream.ReadExactly(new Span<byte>(table._data + done, n));
            done += n;
        }
        return table;
    }
}
