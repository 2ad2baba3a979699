using System.Runtime.CompilerServices;
using System.Globalization;
using System.Numerics.Tensors;

namespace Workbook.Products.Classification;

/// <summary>
/// Turns a product into a sparse hashed vector: name and description words and word n-grams (separate namespaces,
/// since a word in the title says more than the same word in a blurb), character n-grams of the name's words
/// (German compounds, typos, other languages), brand and shop as whole tokens, and a log2-binned price. Values are
/// weighted (sublinear tf, idf learnt on the training products) and L2-normalised.
/// </summary>
internal sealed class ProductFeaturizer
{
    private const uint NameSeed = 0x1001, DescriptionSeed = 0x2002, CharSeed = 0x3003, BrandSeed = 0x4004, ShopSeed = 0x5005, PriceSeed = 0x6006;
    private readonly HierarchicalClassifierOptions _options;
    private readonly int _mask;

    /// <summary>Inverse document frequency per bucket, or null when the weighting does not use it.</summary>
    public float[]? Idf { get; private set; }

    public ProductFeaturizer(HierarchicalClassifierOptions options, float[]? idf = null)
    {
        _options = options;
        _mask = (1 << options.HashBits) - 1;
        Idf = idf;
    }

    private bool UsesIdf => _options.Weighting is TermWeighting.TfIdf or TermWeighting.SublinearTfIdf;

    /// <summary>Learns idf from <paramref name="products"/> (when the weighting needs it) and returns their rows.</summary>
    public SparseRows FitTransform(IReadOnlyList<Product> products, int threads)
    {
        var raw = Buckets(products, threads);
        if (UsesIdf)
        {
            var df = new int[1 << _options.HashBits];
            foreach (var (index, _) in raw)
                foreach (var i in index) df[i]++;
            var n = products.Count;
            Idf = new float[df.Length];
            for (var i = 0; i < df.Length; i++)
                Idf[i] = (float)(Math.Log((1.0 + n) / (1.0 + df[i])) + 1.0); // scikit-learn's smoothed idf
        }
        return Weigh(raw, threads);
    }

    public SparseRows Transform(IReadOnlyList<Product> products, int threads) => Weigh(Buckets(products, threads), threads);

    private (int[] Index, float[] Count)[] Buckets(IReadOnlyList<Product> products, int threads)
    {
        var rows = new (int[], float[])[products.Count];
        Parallel.For(0, products.Count, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new List<int>(512), (i, _, scratch) => { rows[i] = Bucketize(products[i], scratch); return scratch; }, _ => { });
        return rows;
    }

    private SparseRows Weigh((int[] Index, float[] Count)[] raw, int threads)
    {
        Parallel.For(0, raw.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => WeighRow(raw[i].Index, raw[i].Count));
        return new SparseRows(raw);
    }

    /// <summary>One product's weighted, L2-normalised features (for prediction, which needs no matrix).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 code in short prediction runs
    internal (int[] Index, float[] Value) Featurize(Product p, List<int> scratch)
    {
        var (index, value) = Bucketize(p, scratch);
        WeighRow(index, value);
        return (index, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WeighRow(int[] index, float[] value)
    {
        for (var k = 0; k < value.Length; k++)
        {
            var tf = value[k];
            var w = _options.Weighting switch
            {
                TermWeighting.Binary => 1f,
                TermWeighting.TermFrequency or TermWeighting.TfIdf => tf,
                _ => tf <= 1f ? tf : 1f + MathF.Log(tf), // most terms occur once: skip the log (and a name weight below 1 stays positive)
            };
            if (UsesIdf && Idf != null) w *= Idf[index[k]];
            value[k] = w;
        }
        var norm = TensorPrimitives.Norm(value);
        if (norm > 0) TensorPrimitives.Divide(value, norm, value);
    }

    /// <summary>Distinct buckets of one product (first-seen order) with their raw counts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal (int[] Index, float[] Count) Bucketize(Product p, List<int> scratch)
    {
        scratch.Clear();
        AddWords(p.Name, NameSeed, chars: _options.CharNgramMax > 0, _options.WordNgramMax, scratch);
        var nameEnd = scratch.Count;
        var description = p.Description.AsSpan(0, Math.Min(p.Description.Length, _options.MaxDescriptionChars));
        AddWords(description, DescriptionSeed, chars: _options.CharNgramMax > 0 && _options.CharNgramsInDescription,
            _options.WordNgramsInDescription ? _options.WordNgramMax : 1, scratch);
        if (_options.MetadataTokens)
        {
            if (p.Brand.Length > 0) scratch.Add((int)(FeatureHashing.Hash(p.Brand.ToLowerInvariant(), BrandSeed) & _mask));
            if (p.Shop.Length > 0) scratch.Add((int)(FeatureHashing.Hash(p.Shop.ToLowerInvariant(), ShopSeed) & _mask));
            if (p.Price is { } price)
            {
                // Half-octave bins: 10 and 14 differ, 100 and 110 do not.
                var bin = (int)Math.Floor(2 * Math.Log2(price + 1));
                scratch.Add((int)(FeatureHashing.Combine(PriceSeed, (uint)bin) & _mask));
            }
        }
        return Distinct(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scratch), nameEnd, (float)_options.NameWeight);
    }

    [ThreadStatic] private static int[]? _slots;

    /// <summary>char.ToLowerInvariant of every UTF-16 unit, computed once: outside ASCII the runtime asks ICU,
    /// which cost more than the rest of the tokenising for German blurbs.</summary>
    private static readonly char[] LowerInvariant = BuildLowerInvariant();

    private static char[] BuildLowerInvariant()
    {
        var all = new char[char.MaxValue + 1];
        for (var c = 0; c <= char.MaxValue; c++) all[c] = char.ToLowerInvariant((char)c);
        return all;
    }

    /// <summary>
    /// Distinct buckets in first-seen order with their counts, through a small open-addressing table (a sort of the
    /// few hundred raw buckets cost more). Each new bucket's idf entry is prefetched: the weighting reads them next,
    /// scattered over a table larger than the L2 cache. The first <paramref name="nameEnd"/> buckets (the name's)
    /// count <paramref name="nameWeight"/> each, the others 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe (int[] Index, float[] Count) Distinct(ReadOnlySpan<int> buckets, int nameEnd, float nameWeight)
    {
        var size = (int)Math.Max(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)buckets.Length * 2));
        if (_slots is null || _slots.Length < size) _slots = new int[size];
        var slots = _slots.AsSpan(0, size);
        slots.Fill(-1);
        var mask = size - 1;
        Span<int> index = buckets.Length <= 4096 ? stackalloc int[buckets.Length] : new int[buckets.Length];
        Span<float> count = buckets.Length <= 4096 ? stackalloc float[buckets.Length] : new float[buckets.Length];
        var distinct = 0;
        fixed (float* idf = Idf)
            for (var j = 0; j < buckets.Length; j++)
            {
                var b = buckets[j];
                var weight = j < nameEnd ? nameWeight : 1f;
                var i = (int)(FeatureHashing.Mix((uint)b) & (uint)mask);
                while (slots[i] >= 0 && index[slots[i]] != b) i = (i + 1) & mask;
                if (slots[i] >= 0) { count[slots[i]] += weight; continue; }
                slots[i] = distinct;
                index[distinct] = b;
                count[distinct++] = weight;
                if (idf != null && System.Runtime.Intrinsics.X86.Sse.IsSupported) System.Runtime.Intrinsics.X86.Sse.Prefetch0(idf + b);
            }
        return (index[..distinct].ToArray(), count[..distinct].ToArray());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddWords(ReadOnlySpan<char> text, uint seed, bool chars, int ngramMax, List<int> output)
    {
        if (text.Length == 0) return;
        Span<char> lower = text.Length <= 4096 ? stackalloc char[text.Length] : new char[text.Length];
        var table = LowerInvariant;
        for (var c = 0; c < text.Length; c++) lower[c] = table[text[c]];
        Span<uint> recent = stackalloc uint[3]; // hashes of the last words, for n-grams
        var words = 0;
        Span<char> bounded = stackalloc char[66];
        var i = 0;
        while (i < lower.Length)
        {
            while (i < lower.Length && !char.IsLetterOrDigit(lower[i])) i++;
            var startWord = i;
            while (i < lower.Length && char.IsLetterOrDigit(lower[i])) i++;
            if (i == startWord) break;
            var word = lower[startWord..i];
            var h = FeatureHashing.Hash(word, seed);
            output.Add((int)(h & _mask));
            // Shift the window and emit n-grams ending at this word.
            recent[2] = recent[1]; recent[1] = recent[0]; recent[0] = h;
            words++;
            if (ngramMax >= 2 && words >= 2)
                output.Add((int)(FeatureHashing.Combine(recent[1], h) & _mask));
            if (ngramMax >= 3 && words >= 3)
                output.Add((int)(FeatureHashing.Combine(FeatureHashing.Combine(recent[2], recent[1]), h) & _mask));
            if (chars && word.Length <= 64)
            {
                // fastText-style subwords: the word with boundary marks, every n-gram in [min, max].
                bounded[0] = '<';
                word.CopyTo(bounded[1..]);
                bounded[word.Length + 1] = '>';
                var b = bounded[..(word.Length + 2)];
                for (var n = _options.CharNgramMin; n <= _options.CharNgramMax && n <= b.Length; n++)
                    for (var s = 0; s + n <= b.Length; s++)
                    {
                        if (n == b.Length) continue; // the whole bounded word duplicates the word token
                        output.Add((int)(FeatureHashing.Hash(b.Slice(s, n), CharSeed + (uint)n) & _mask));
                    }
            }
        }
    }
}
