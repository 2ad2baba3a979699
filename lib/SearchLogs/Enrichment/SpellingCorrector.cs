using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Workbook.SearchLogs.Enrichment;

/// <summary>A vocabulary word proposed for an input word.</summary>
internal sealed record SpellingSuggestion(string Term, int Distance, long Frequency);

/// <summary>Options for <see cref="SpellingCorrector"/>.</summary>
/// <param name="MaxEditDistance">Largest OSA distance proposed (SymSpell's usual 2).</param>
/// <param name="PrefixLength">Only the first characters are indexed, as in SymSpell: bounds memory for long words
/// while the full word is still verified.</param>
/// <param name="MinWordLength">Shorter input words are never corrected (too many neighbours to be meaningful).</param>
internal sealed record SpellingOptions(int MaxEditDistance = 2, int PrefixLength = 7, int MinWordLength = 3);

/// <summary>
/// Spelling correction over a vocabulary weighted by frequency, using the symmetric delete method of SymSpell
/// (Wolf Garbe, 2012): every vocabulary word is indexed under each string obtained by deleting up to
/// <c>MaxEditDistance</c> characters, so a lookup only generates the input's own deletes and verifies the few
/// words that share one, instead of scanning the vocabulary. Candidates are verified with the OSA distance and
/// ranked by (distance, then frequency descending, then ordinal), which is SymSpell's "closest, then most common".
/// </summary>
internal sealed class SpellingCorrector
{
    private readonly string[] _words;
    private readonly long[] _frequency;
    private readonly Dictionary<string, int> _wordIds;
    // Delete index, keyed by a 64-bit hash of each delete string rather than the string itself: no allocation per
    // delete, and a rare collision only adds a candidate that the OSA verification then rejects.
    private readonly Dictionary<ulong, (int Start, int Count)> _deletes;
    private readonly int[] _postings;
    private readonly ThreadLocal<int[]> _seen;
    private readonly ThreadLocal<int> _stamp = new(() => 0);
    public SpellingOptions Options { get; }

    private SpellingCorrector(string[] words, long[] frequency, Dictionary<ulong, (int, int)> deletes, int[] postings,
        SpellingOptions options)
    {
        _words = words;
        _frequency = frequency;
        _deletes = deletes;
        _postings = postings;
        Options = options;
        _wordIds = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (var i = 0; i < words.Length; i++) _wordIds[words[i]] = i;
        _seen = new ThreadLocal<int[]>(() => new int[words.Length]);
    }

    public int VocabularySize => _words.Length;

    /// <summary>How often <paramref name="word"/> occurs in the vocabulary (0 when unknown).</summary>
    public long Frequency(string word) => _wordIds.TryGetValue(word, out var id) ? _frequency[id] : 0;

    /// <summary>The vocabulary with its counts (for baselines and reports).</summary>
    public IEnumerable<(string Word, long Frequency)> Vocabulary() => _words.Select((w, i) => (w, _frequency[i]));

    /// <summary>Builds the delete index over <paramref name="vocabulary"/> (word, frequency &gt; 0).</summary>
    public static SpellingCorrector Fit(IEnumerable<KeyValuePair<string, long>> vocabulary, SpellingOptions? options = null)
    {
        options ??= new SpellingOptions();
        var entries = vocabulary.Where(kv => kv.Value > 0 && kv.Key.Length > 0)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        var words = entries.Select(e => e.Key).ToArray();
        var frequency = entries.Select(e => e.Value).ToArray();

        // (delete hash, word id) pairs, sorted by hash, become one posting array with a range per hash.
        var keys = new List<ulong>(words.Length * 16);
        var ids = new List<int>(words.Length * 16);
        Span<ulong> buffer = stackalloc ulong[MaxDeletes(options)];
        for (var id = 0; id < words.Length; id++)
        {
            var n = DeleteHashes(Prefix(words[id], options.PrefixLength), options.MaxEditDistance, buffer);
            for (var i = 0; i < n; i++) { keys.Add(buffer[i]); ids.Add(id); }
        }
        var keyArray = keys.ToArray();
        var postings = ids.ToArray();
        Array.Sort(keyArray, postings);
        var deletes = new Dictionary<ulong, (int, int)>(keyArray.Length / 2);
        for (var i = 0; i < keyArray.Length;)
        {
            var j = i + 1;
            while (j < keyArray.Length && keyArray[j] == keyArray[i]) j++;
            deletes[keyArray[i]] = (i, j - i);
            i = j;
        }
        return new SpellingCorrector(words, frequency, deletes, postings, options);
    }

    /// <summary>
    /// Vocabulary words within <paramref name="maxDistance"/> (default: the options') of <paramref name="input"/>,
    /// best first; the input itself (distance 0) when it is a known word.
    /// </summary>
    public IReadOnlyList<SpellingSuggestion> Lookup(string input, int? maxDistance = null, int top = 5)
    {
        var max = Math.Min(maxDistance ?? Options.MaxEditDistance, Options.MaxEditDistance);
        var found = new List<SpellingSuggestion>();
        var self = _wordIds.TryGetValue(input, out var exact) ? exact : -1;
        if (self >= 0) found.Add(new SpellingSuggestion(input, 0, _frequency[self]));
        if (max == 0 || input.Length == 0) return found;

        var seen = _seen.Value!;
        var stamp = _stamp.Value + 1;
        if (stamp == int.MaxValue) { Array.Clear(seen); stamp = 1; }
        _stamp.Value = stamp;
        if (self >= 0) seen[self] = stamp;

        Span<ulong> hashes = stackalloc ulong[MaxDeletes(Options)];
        var n = DeleteHashes(Prefix(input, Options.PrefixLength), max, hashes);
        for (var h = 0; h < n; h++)
        {
            if (!_deletes.TryGetValue(hashes[h], out var range)) continue;
            foreach (var id in _postings.AsSpan(range.Start, range.Count))
            {
                if (seen[id] == stamp) continue;
                seen[id] = stamp;
                var d = EditDistance.Osa(input, _words[id], max);
                if (d <= max) found.Add(new SpellingSuggestion(_words[id], d, _frequency[id]));
            }
        }
        found.Sort(Compare);
        return found.Count > top ? found.GetRange(0, top) : found;
    }

    /// <summary>
    /// The correction for one query word: the word itself when known, otherwise the best vocabulary word within
    /// distance 1 (words of up to 4 characters) or the options' maximum (longer words); null when none.
    /// </summary>
    public SpellingSuggestion? Correct(string word)
    {
        if (_wordIds.TryGetValue(word, out var id)) return new SpellingSuggestion(word, 0, _frequency[id]);
        if (word.Length < Options.MinWordLength || word.All(char.IsDigit)) return null;
        var best = Lookup(word, word.Length <= 4 ? 1 : Options.MaxEditDistance, top: 1);
        return best.Count > 0 ? best[0] : null;
    }

    internal static int Compare(SpellingSuggestion x, SpellingSuggestion y)
    {
        var c = x.Distance.CompareTo(y.Distance);
        if (c != 0) return c;
        c = y.Frequency.CompareTo(x.Frequency);
        return c != 0 ? c : string.CompareOrdinal(x.Term, y.Term);
    }

    private static string Prefix(string word, int length) => word.Length > length ? word[..length] : word;

    private static int MaxDeletes(SpellingOptions o)
    {
        // 1 + L + L(L-1)/2 + ... for L = prefix length, up to the maximum distance (2 in practice).
        int total = 1, term = 1;
        for (var d = 1; d <= o.MaxEditDistance; d++) { term = term * (o.PrefixLength - d + 1) / d; total += term; }
        return total;
    }

    /// <summary>
    /// Hashes of <paramref name="word"/> and of every string obtained by deleting up to <paramref name="depth"/>
    /// characters, deduplicated; returns how many were written to <paramref name="into"/>.
    /// </summary>
    private static int DeleteHashes(ReadOnlySpan<char> word, int depth, Span<ulong> into)
    {
        var count = 0;
        Span<char> buffer = stackalloc char[word.Length];
        Recurse(word, depth, into, ref count, buffer, 0);
        into[..count].Sort();
        var unique = 0;
        for (var i = 0; i < count; i++)
            if (i == 0 || into[i] != into[unique - 1]) into[unique++] = into[i];
        return unique;

        // Deletes positions at or after `from` only, so each combination of positions is produced once.
        static void Recurse(ReadOnlySpan<char> w, int depth, Span<ulong> into, ref int count, Span<char> buffer, int from)
        {
            into[count++] = Hash(w);
            if (depth == 0 || w.Length <= 1) return;
            // One copy per recursion level (not per iteration): the shared buffer is overwritten by deeper levels.
            Span<char> copy = stackalloc char[w.Length - 1];
            for (var i = from; i < w.Length; i++)
            {
                var shorter = buffer[..(w.Length - 1)];
                w[..i].CopyTo(shorter);
                w[(i + 1)..].CopyTo(shorter[i..]);
                shorter.CopyTo(copy);
                Recurse(copy, depth - 1, into, ref count, buffer, i);
            }
        }
    }

    private static ulong Hash(ReadOnlySpan<char> s) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(s));
}
