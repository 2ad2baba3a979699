using System.Globalization;

namespace Workbook.Products.Ranking;

/// <summary>
/// The distinct counts a worker met in the fit pass, (clicks, views, category ordinal), numbered in the order first
/// seen, with the rows of each: a row is spilled as its number and its CPC, and scored after the fit by looking the
/// number up. Memory is the distinct counts (the category only when category pooling uses it), not the rows. The rows
/// per count are the fit data's (clicks, views) histogram (<see cref="AddHistogramTo"/>), so a row costs one look-up
/// where it cost two.
/// </summary>
internal sealed class ScoreKeys
{
    // A record struct, not a tuple: its equality and hash are a few multiplications, where the tuple's HashCode.Combine
    // and per-field comparers were most of the look-up.
    private readonly record struct CountKey(long Clicks, long Views, int Category);

    private readonly Dictionary<CountKey, int> _index = new();
    private long[] _rows = new long[256];

    public List<(long Clicks, long Views, int Category)> Keys { get; } = new();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int IndexOf(long clicks, long views, int category)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_index, new CountKey(clicks, views, category), out var exists);
        if (!exists)
        {
            slot = Keys.Count;
            Keys.Add((clicks, views, category));
            if (slot == _rows.Length) Array.Resize(ref _rows, slot * 2);
        }
        _rows[slot]++;
        return slot;
    }

    /// <summary>Adds the rows of every count with views to <paramref name="data"/>'s (clicks, views) histogram.</summary>
    public void AddHistogramTo(RankingFitData data)
    {
        for (var i = 0; i < Keys.Count; i++)
            if (Keys[i].Views > 0) data.AddToHistogram(Keys[i].Clicks, Keys[i].Views, _rows[i]);
    }
}

/// <summary>
/// A fitted <see cref="RankingModel"/> evaluated once per distinct (clicks, views, category factor) of the file:
/// posterior, credible interval and their "ctr_mean,ctr_low,ctr_high" text (the merge's insert), computed in parallel;
/// rows then cost a look-up and a multiplication (a Thompson draw, keyed by (seed, input line), costs a draw).
/// </summary>
internal sealed class ScoreTable
{
    /// <summary>One distinct count's posterior, the CTR the score multiplies by the CPC (not for Thompson), and its insert.</summary>
    internal readonly record struct Scored(CtrPosterior Post, double Ctr, int Insert);

    private readonly Scored[][] _byWorker;
    private readonly bool _thompson;
    private readonly int _seed;

    /// <summary>Each insert: ",ctr_mean,ctr_low,ctr_high" (spliced after the rank).</summary>
    public IReadOnlyList<byte[]> Inserts { get; }

    /// <param name="keys">Per worker, its distinct counts and the pooling factor of each of its category ordinals.</param>
    public ScoreTable(RankingModel model, IReadOnlyList<(ScoreKeys Keys, Func<int, double> Factor)> keys, int workers)
    {
        (_thompson, _seed) = (model.Options.Score == ScoreKind.Thompson, model.Options.Seed);
        var distinct = new Dictionary<(long Clicks, long Views, double Factor), int>();
        var refs = keys.Select(w => w.Keys.Keys.Select(k =>
        {
            var key = (k.Clicks, k.Views, model.Options.CategoryPooling ? w.Factor(k.Category) : 1.0);
            if (!distinct.TryGetValue(key, out var i)) distinct[key] = i = distinct.Count;
            return i;
        }).ToArray()).ToList();
        var all = distinct.Keys.ToArray();
        var scored = new Scored[all.Length];
        var inserts = new byte[all.Length][];
        Parallel.For(0, all.Length, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
        {
            var (clicks, views, factor) = all[i];
            var post = model.Posterior(factor, clicks, views);
            var (low, high) = model.IntervalUncached(post);
            Span<byte> text = stackalloc byte[3 * 32 + 3];
            var t = 0;
            text[t++] = (byte)',';
            t += FixedDecimal.Write(post.Mean, text[t..]);
            text[t++] = (byte)',';
            t += FixedDecimal.Write(low, text[t..]);
            text[t++] = (byte)',';
            t += FixedDecimal.Write(high, text[t..]);
            inserts[i] = text[..t].ToArray();
            var ctr = model.Options.Score switch
            {
                ScoreKind.Mean => post.Mean,
                ScoreKind.Lower => low,
                ScoreKind.Upper => high,
                _ => double.NaN, // Thompson: drawn per row
            };
            scored[i] = new Scored(post, ctr, i);
        });
        _byWorker = refs.Select(r => r.Select(i => scored[i]).ToArray()).ToArray();
        Inserts = inserts;
    }

    public int Count => Inserts.Count;

    /// <summary>The score of a row the fit pass gave number <paramref name="key"/> on worker <paramref name="worker"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public double Score(int worker, int key, double cpc, long line, SplitMixRandom rng, out int insert)
    {
        ref readonly var s = ref _byWorker[worker][key];
        insert = s.Insert;
        var ctr = _thompson ? s.Post.Sample(rng.Reset(_seed, line)) : s.Ctr;
        return ctr * cpc;
    }
}

/// <summary>A SplitMix64 generator that can be re-seeded per row without allocating (Thompson draws keyed by row).</summary>
internal sealed class SplitMixRandom : Random
{
    private ulong _state;

    public SplitMixRandom Reset(int seed, long key)
    {
        _state = ((ulong)(uint)seed << 32) ^ (ulong)key * 0x9E3779B97F4A7C15UL;
        return this;
    }

    private ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    protected override double Sample() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
    public override double NextDouble() => Sample();
    public override int Next() => (int)(NextUInt64() >> 33);
    public override int Next(int maxValue) => (int)(Sample() * maxValue);
    public override int Next(int minValue, int maxValue) => minValue + (int)(Sample() * ((long)maxValue - minValue));
    public override void NextBytes(Span<byte> buffer) { foreach (ref var b in buffer) b = (byte)NextUInt64(); }
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());
}
