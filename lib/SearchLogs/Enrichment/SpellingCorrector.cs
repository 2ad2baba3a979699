using System.Runtime.InteropServices;

namespace Workbook.SearchLogs.Enrichment;

/// <summary>A vocabulary word proposed for an input word.</summary>
public sealed record SpellingSuggestion(string Term, int Distance, long Frequency);

/// <summary>Options for <see cref="SpellingCorrector"/>.</summary>
/// <param name="MaxEditDistance">Largest OSA distance proposed (SymSpell's usual 2).</param>
/// <param name="PrefixLength">Only the first characters are indexed, as in SymSpell: bounds memory for long words
/// while the full word is still verified.</param>
/// <param name="MinWordLength">Shorter input words are never corrected (too many neighbours to be meaningful).</param>
public sealed record SpellingOptions(int MaxEditDistance = 2, int PrefixLength = 7, int MinWordLength = 3);

/// <summary>
/// Spelling correction over a vocabulary weighted by frequency, using the symmetric delete method of SymSpell
/// (Wolf Garbe, 2012): every vocabulary word is indexed under each string obtained by deleting up to
/// <c>MaxEditDistance</c> characters, so a lookup only generates the input's own deletes and verifies the few
/// words that share one, instead of scanning the vocabulary. Candidates are verified with the OSA distance and
/// ranked by (distance, then frequency descending, then ordinal), which is SymSpell's "closest, then most common".
/// </summary>
public sealed class SpellingCorrector
{
    private readonly string[] _words;
    private readonly long[] _frequency;
    private readonly Dictionary<string, int> _wordIds;
    private readonly Dictionary<string, int[]> _deletes;
    public SpellingOptions Options { get; }

    private SpellingCorrector(string[] words, long[] frequency, Dictionary<string, int[]> deletes, SpellingOptions options)
    {
        _words = words;
        _frequency = frequency;
        _deletes = deletes;
        Options = options;
        _wordIds = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (var i = 0; i < words.Length; i++) _wordIds[words[i]] = i;
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

        var postings = new Dictionary<string, List<int>>(words.Length * 8, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = 0; id < words.Length; id++)
        {
            seen.Clear();
            Deletes(Prefix(words[id], options.PrefixLength), options.MaxEditDistance, seen);
            foreach (var d in seen)
            {
                ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(postings, d, out _);
                (list ??= new List<int>(2)).Add(id);
            }
        }
        var deletes = new Dictionary<string, int[]>(postings.Count, StringComparer.Ordinal);
        foreach (var (key, ids) in postings) deletes[key] = ids.ToArray();
        return new SpellingCorrector(words, frequency, deletes, options);
    }

    /// <summary>
    /// Vocabulary words within <paramref name="maxDistance"/> (default: the options') of <paramref name="input"/>,
    /// best first; the input itself (distance 0) when it is a known word.
    /// </summary>
    public IReadOnlyList<SpellingSuggestion> Lookup(string input, int? maxDistance = null, int top = 5)
    {
        var max = Math.Min(maxDistance ?? Options.MaxEditDistance, Options.MaxEditDistance);
        var found = new List<SpellingSuggestion>();
        if (_wordIds.TryGetValue(input, out var exact))
            found.Add(new SpellingSuggestion(input, 0, _frequency[exact]));
        if (max == 0 || input.Length == 0) return found;

        var candidates = new HashSet<string>(StringComparer.Ordinal);
        Deletes(Prefix(input, Options.PrefixLength), max, candidates);
        var checkedIds = new HashSet<int>();
        if (_wordIds.TryGetValue(input, out var self)) checkedIds.Add(self);
        foreach (var key in candidates)
        {
            if (!_deletes.TryGetValue(key, out var ids)) continue;
            foreach (var id in ids)
            {
                if (!checkedIds.Add(id)) continue;
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

    /// <summary>Adds <paramref name="word"/> and every string reachable from it by up to <paramref name="depth"/> deletions.</summary>
    private static void Deletes(string word, int depth, HashSet<string> into)
    {
        into.Add(word);
        if (depth == 0 || word.Length <= 1) return;
        for (var i = 0; i < word.Length; i++)
        {
            var d = word.Remove(i, 1);
            if (into.Contains(d) && depth == 1) continue;
            Deletes(d, depth - 1, into);
        }
    }
}
