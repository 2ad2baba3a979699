namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// Back-off for queries never seen before: known queries that share words with the input, scored by the
/// IDF-weighted Jaccard overlap of their word sets (so sharing a rare word counts more than sharing "video").
/// </summary>
internal sealed class QueryTokenIndex
{
    private readonly Dictionary<string, int> _tokenIds = new(StringComparer.Ordinal);
    private readonly List<List<int>> _postings = new();
    private readonly int[][] _queryTokens;
    private double[] _idf = [];
    private readonly ThreadLocal<Scratch> _scratch;

    /// <summary>Per-thread buffers, so a lookup allocates almost nothing.</summary>
    private sealed class Scratch(int queries)
    {
        public readonly int[] Seen = new int[queries];
        public readonly List<int> Candidates = new();
        public int Stamp;
    }

    /// <summary>Most postings read per input word, so a very common word cannot make a lookup slow.</summary>
    public int MaxPostings { get; init; } = 1024;

    public QueryTokenIndex(IReadOnlyList<string> queries)
    {
        _queryTokens = new int[queries.Count][];
        for (var q = 0; q < queries.Count; q++)
        {
            var ids = Tokens(queries[q]).Select(TokenId).Distinct().ToArray();
            _queryTokens[q] = ids;
            foreach (var t in ids) _postings[t].Add(q);
        }
        _idf = _postings.Select(p => Math.Log(1.0 + (double)queries.Count / p.Count)).ToArray();
        _scratch = new ThreadLocal<Scratch>(() => new Scratch(queries.Count));
    }

    private int TokenId(string token)
    {
        if (_tokenIds.TryGetValue(token, out var id)) return id;
        _tokenIds[token] = id = _postings.Count;
        _postings.Add(new List<int>());
        return id;
    }

    internal static string[] Tokens(string normalized) => normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Known queries sharing words with <paramref name="tokens"/>, best first, scores in (0, 1].</summary>
    public List<(int Query, double Score)> Similar(IReadOnlyList<string> tokens, int top, double minScore)
    {
        var known = new List<int>();
        double unknownIdf = 0;
        var maxIdf = Math.Log(1.0 + _queryTokens.Length);
        foreach (var t in tokens.Distinct())
        {
            if (_tokenIds.TryGetValue(t, out var id)) known.Add(id);
            else unknownIdf += maxIdf; // an unknown word is as rare as it gets, and no known query has it
        }
        var result = new List<(int, double)>();
        if (known.Count == 0) return result;

        double inputWeight = unknownIdf;
        foreach (var t in known) inputWeight += _idf[t];
        // Candidates come from the postings of the rarest words first, up to a budget: a query sharing only the
        // most frequent words would score low anyway, and a word like "video" must not make a lookup slow.
        var scratch = _scratch.Value!;
        var stamp = ++scratch.Stamp;
        var candidates = scratch.Candidates;
        candidates.Clear();
        known.Sort((a, b) => _postings[a].Count.CompareTo(_postings[b].Count));
        foreach (var t in known)
        {
            if (candidates.Count >= MaxPostings) break;
            var postings = _postings[t];
            for (var i = 0; i < Math.Min(postings.Count, MaxPostings); i++)
            {
                var q = postings[i];
                if (scratch.Seen[q] == stamp) continue;
                scratch.Seen[q] = stamp;
                candidates.Add(q);
            }
        }
        foreach (var q in candidates)
        {
            double shared = 0, union = inputWeight;
            foreach (var t in _queryTokens[q])
            {
                if (known.Contains(t)) shared += _idf[t];
                else union += _idf[t];
            }
            var score = shared / union;
            if (score >= minScore) result.Add((q, score));
        }
        result.Sort((a, b) => b.Item2 != a.Item2 ? b.Item2.CompareTo(a.Item2) : a.Item1.CompareTo(b.Item1));
        if (result.Count > top) result.RemoveRange(top, result.Count - top);
        return result;
    }
}
