using System.Globalization;

namespace Workbook.Products.Ranking;

/// <summary>
/// One worker's scoring of raw lines against a fitted <see cref="RankingModel"/>: posterior, interval and the output
/// record's bytes. Posteriors and intervals are cached by (clicks, views, category factor), which repeat heavily, in a
/// cache shared by the workers and bounded. Thompson draws are keyed by (seed, input line), so they do not depend on
/// how the file was split among workers.
/// </summary>
internal sealed class RowScorer(RankingModel model, RowScorer.Cache cache)
{
    private const int CacheCapacity = 1 << 16;

    /// <summary>Posteriors by (clicks, views, category factor), shared by the workers of one pass.</summary>
    internal sealed class Cache : System.Collections.Concurrent.ConcurrentDictionary<(long Clicks, long Views, double Factor), Cached>;

    private readonly Cache _cache = cache;
    private readonly bool _pooled = model.Options.CategoryPooling;
    private readonly SplitMixRandom _rng = new();

    // A posterior with its interval and its "ctr_mean,ctr_low,ctr_high" text, formatted once per distinct counts.
    internal sealed record Cached(CtrPosterior Post, double Low, double High, byte[] Text);

    /// <summary>Scores one parsed line and adds its output record (rank left to the merge) to <paramref name="run"/>.</summary>
    public void Format(ReadOnlySpan<byte> line, in ScoringLine row, long lineNumber, SortedRuns.Builder run)
    {
        Span<char> chars = stackalloc char[256];
        var factor = _pooled ? model.FactorOf(StreamingRanker.Decode(row.CategoryId.Of(line), chars)) : 1.0;
        var key = (row.ClicksValue, row.ImpressionsValue, factor);
        if (!_cache.TryGetValue(key, out var hit))
        {
            if (_cache.Count >= CacheCapacity) _cache.Clear();
            var post = model.Posterior(factor, row.ClicksValue, row.ImpressionsValue);
            var (low, high) = model.IntervalUncached(post);
            Span<byte> text = stackalloc byte[3 * 32 + 2];
            var t = FixedDecimal.Write(post.Mean, text);
            text[t++] = (byte)',';
            t += FixedDecimal.Write(low, text[t..]);
            text[t++] = (byte)',';
            t += FixedDecimal.Write(high, text[t..]);
            _cache[key] = hit = new Cached(post, low, high, text[..t].ToArray());
        }
        var ctr = model.Options.Score switch
        {
            ScoreKind.Mean => hit.Post.Mean,
            ScoreKind.Lower => hit.Low,
            ScoreKind.Upper => hit.High,
            ScoreKind.Thompson => hit.Post.Sample(_rng.Reset(model.Options.Seed, lineNumber)),
            _ => throw new ArgumentOutOfRangeException(nameof(model.Options.Score)),
        };
        var score = ctr * row.CpcValue;

        ReadOnlySpan<byte> id = row.ProductId.Of(line), category = row.CategoryId.Of(line);
        ReadOnlySpan<byte> cpc = row.Cpc.Of(line), clicks = row.Clicks.Of(line), views = row.Views.Of(line);
        var dst = run.Reserve(id.Length + category.Length + cpc.Length + clicks.Length + views.Length + hit.Text.Length + 32 + 10);
        var n = 0;
        void Put(ReadOnlySpan<byte> s, Span<byte> d, ref int at) { s.CopyTo(d[at..]); at += s.Length; }
        Put(id, dst, ref n); dst[n++] = (byte)',';
        Put(category, dst, ref n); dst[n++] = (byte)',';
        n += FixedDecimal.Write(score, dst[n..]); dst[n++] = (byte)',';
        var rankAt = n;
        dst[n++] = (byte)',';
        Put(hit.Text, dst, ref n); dst[n++] = (byte)',';
        Put(cpc, dst, ref n); dst[n++] = (byte)',';
        Put(clicks, dst, ref n); dst[n++] = (byte)',';
        Put(views, dst, ref n); dst[n++] = (byte)'\n';
        run.Commit(score, lineNumber, rankAt, n);
    }
}

/// <summary>
/// Fixed 12 decimals via integer formatting: shortest round-trip double formatting was most of the write pass, and
/// CTRs and scores (below ~10) need absolute, not relative, precision to be read back and compared.
/// </summary>
internal static class FixedDecimal
{
    private const double Scale = 1e12;

    /// <summary>Writes <paramref name="x"/> as UTF-8 into <paramref name="dst"/> (at least 32 bytes); returns the bytes written.</summary>
    public static int Write(double x, Span<byte> dst)
    {
        int n;
        if (!(Math.Abs(x) < 9e6))
        {
            x.TryFormat(dst, out n, "R", CultureInfo.InvariantCulture);
            return n;
        }
        var at = 0;
        if (x < 0) { dst[at++] = (byte)'-'; x = -x; }
        var scaled = (long)Math.Round(x * Scale);
        var whole = scaled / (long)Scale;
        var frac = scaled - whole * (long)Scale;
        whole.TryFormat(dst[at..], out n, default, CultureInfo.InvariantCulture);
        at += n;
        dst[at++] = (byte)'.';
        // Twelve digits by hand (a "D12" format call per value was a visible share of the pass), trailing zeros dropped:
        // 0.500000000000 -> 0.5.
        for (var i = 11; i >= 0; i--, frac /= 10) dst[at + i] = (byte)('0' + frac % 10);
        at += 12;
        while (dst[at - 1] == '0' && dst[at - 2] != '.') at--;
        return at;
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
