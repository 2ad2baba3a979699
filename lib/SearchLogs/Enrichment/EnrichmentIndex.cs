using System.Diagnostics;

namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// Query enrichment learned from cleaned search logs, held in memory: normalization (the pipeline's
/// <see cref="QueryNormalizer"/>), spelling correction over the logs' vocabulary, related queries and clip
/// suggestions from a backward random walk on the query-clip click graph blended with co-click similarity, and a
/// word-overlap back-off for queries never seen. Build once (<see cref="Build"/>), then <see cref="Enrich"/> is a
/// few microseconds and thread-safe.
/// </summary>
public sealed class EnrichmentIndex
{
    private readonly string[] _queries;
    private readonly Dictionary<string, int> _queryIds;
    private readonly long[] _searches;
    private readonly bool[] _hadResults;
    private readonly string[] _clips;
    private readonly ClickGraph _graph;
    private readonly ClickGraphWalk _walk;
    private readonly SpellingCorrector _spelling;
    private readonly QueryTokenIndex _words;

    internal EnrichmentOptions Options { get; }
    public EnrichmentIndexStats Stats { get; private set; }
    internal SpellingCorrector Spelling => _spelling;
    internal ClickGraph Graph => _graph;

    private EnrichmentIndex(EnrichmentOptions options, string[] queries, long[] searches, bool[] hadResults,
        string[] clips, ClickGraph graph, SpellingCorrector spelling, QueryTokenIndex words, EnrichmentIndexStats stats)
    {
        Options = options;
        _queries = queries;
        _queryIds = new Dictionary<string, int>(queries.Length, StringComparer.Ordinal);
        for (var i = 0; i < queries.Length; i++) _queryIds[queries[i]] = i;
        _searches = searches;
        _hadResults = hadResults;
        _clips = clips;
        _graph = graph;
        _walk = new ClickGraphWalk(graph, options.WalkSettings);
        _coClick = new ThreadLocal<CoClickSimilarity>(() => new CoClickSimilarity(graph));
        _spelling = spelling;
        _words = words;
        Stats = stats with { Queries = queries.Length, Clips = clips.Length, Edges = graph.EdgeCount, Vocabulary = spelling.VocabularySize };
    }

    /// <summary>Builds the index from cleaned logs (all of them: split first to evaluate), with the default options.</summary>
    public static EnrichmentIndex Build(CleanLog log) => Build(log, null);

    /// <summary>Builds the index from cleaned logs (all of them: split first to evaluate).</summary>
    internal static EnrichmentIndex Build(CleanLog log, EnrichmentOptions? options = null)
    {
        options ??= new EnrichmentOptions();
        var clock = Stopwatch.StartNew();

        // Aggregate by raw string first and normalize each distinct string once: logs repeat popular queries.
        var raw = new Dictionary<string, (long Searches, bool HadResults)>(StringComparer.Ordinal);
        var rawOfSearch = new Dictionary<string, string>(log.Searches.Count, StringComparer.Ordinal);
        foreach (var s in log.Searches)
        {
            var (count, had) = raw.GetValueOrDefault(s.Query);
            raw[s.Query] = (count + 1, had || s.Total > 0);
            rawOfSearch[s.SearchId] = s.Query;
        }
        var normalizedOf = new Dictionary<string, string>(raw.Count, StringComparer.Ordinal);
        var stats = new Dictionary<string, (long Searches, bool HadResults)>(StringComparer.Ordinal);
        // Normalizing is the costliest step per string and independent per string: run it in parallel, then
        // aggregate in the dictionary's (deterministic) order.
        var rawQueries = raw.ToArray();
        var normalizedQueries = rawQueries.AsParallel().AsOrdered().Select(kv => QueryNormalizer.Normalize(kv.Key)).ToArray();
        for (var r = 0; r < rawQueries.Length; r++)
        {
            var (query, (count, had)) = rawQueries[r];
            var n = normalizedQueries[r];
            if (n.Kind != QueryKind.Search || n.Text.Length == 0) continue; // e-mails, URLs, symbols: not searches
            normalizedOf[query] = n.Text;
            var (c, h) = stats.GetValueOrDefault(n.Text);
            stats[n.Text] = (c + count, h || had);
        }

        var queries = stats.Keys.Order(StringComparer.Ordinal).ToArray();
        var queryIds = new Dictionary<string, int>(queries.Length, StringComparer.Ordinal);
        for (var i = 0; i < queries.Length; i++) queryIds[queries[i]] = i;
        var searches = queries.Select(q => stats[q].Searches).ToArray();
        var hadResults = queries.Select(q => stats[q].HadResults).ToArray();

        // A word's frequency is the number of searches containing it.
        var vocabulary = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var q = 0; q < queries.Length; q++)
            foreach (var word in QueryTokenIndex.Tokens(queries[q]).Distinct())
                vocabulary[word] = vocabulary.GetValueOrDefault(word) + searches[q];

        var clipIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var clicks = new List<(int, int, double)>(log.Clicks.Count);
        foreach (var c in log.Clicks)
        {
            if (!rawOfSearch.TryGetValue(c.SearchId, out var query) || !normalizedOf.TryGetValue(query, out var text))
                continue; // a click on a search that is not a search query (e-mail, URL)
            if (!clipIds.TryGetValue(c.ClipId, out var clip)) clipIds[c.ClipId] = clip = clipIds.Count;
            clicks.Add((queryIds[text], clip, options.PositionWeights.Weight(c.Position)));
        }
        var clips = new string[clipIds.Count];
        foreach (var (id, i) in clipIds) clips[i] = id;

        // The three structures are independent: building them side by side halves the wall time on two cores.
        var graph = Task.Run(() => new ClickGraph(queries.Length, clips.Length, clicks));
        var spelling = Task.Run(() => SpellingCorrector.Fit(vocabulary, options.SpellingSettings));
        var words = new QueryTokenIndex(queries);
        var index = new EnrichmentIndex(options, queries, searches, hadResults, clips, graph.Result, spelling.Result, words,
            new EnrichmentIndexStats(log.Searches.Count, 0, 0, 0, 0, TimeSpan.Zero));
        index.Stats = index.Stats with { BuildTime = clock.Elapsed };
        return index;
    }

    /// <summary>True when the normalized query occurs in the training logs.</summary>
    public bool IsKnown(string normalizedQuery) => _queryIds.ContainsKey(normalizedQuery);

    /// <summary>Whether some training search for the normalized query had results (false when unknown).</summary>
    public bool HadResults(string normalizedQuery) => _queryIds.TryGetValue(normalizedQuery, out var q) && _hadResults[q];

    /// <summary>Enriches one raw query as a user typed it.</summary>
    public EnrichmentResult Enrich(string query) => Enrich(query, _spelling.Lookup);

    /// <summary>Enrichment with another spelling lookup (the benchmark's linear-scan baseline) of the same contract
    /// as <see cref="SpellingCorrector.Lookup"/>.</summary>
    internal EnrichmentResult Enrich(string query, Func<string, int?, int, IReadOnlyList<SpellingSuggestion>> lookup)
    {
        var normalized = QueryNormalizer.Normalize(query);
        if (normalized.Kind != QueryKind.Search || normalized.Text.Length == 0)
            return new EnrichmentResult(query, normalized, false, [], null, [], [],
                $"not a search query ({normalized.Kind})");

        var text = normalized.Text;
        var known = _queryIds.TryGetValue(text, out var queryId);
        var tokens = QueryTokenIndex.Tokens(text);

        // Spelling: unknown words, rare words dominated by a frequent neighbour, and every word of a known query
        // that never returned results (the engine itself says something is off).
        var zeroResults = known && !_hadResults[queryId];
        var corrections = new List<TokenCorrection>();
        var correctedTokens = tokens;
        for (var i = 0; i < (Options.CorrectSpelling ? tokens.Length : 0); i++)
        {
            var fix = CorrectWord(tokens[i], zeroResults, lookup);
            if (fix is null || fix.Term == tokens[i]) continue;
            if (corrections.Count == 0) correctedTokens = (string[])tokens.Clone();
            corrections.Add(new TokenCorrection(tokens[i], fix.Term, fix.Distance, fix.Frequency));
            correctedTokens[i] = fix.Term;
        }
        var correctedText = corrections.Count > 0 ? string.Join(' ', correctedTokens) : null;
        var correctedId = correctedText is not null && _queryIds.TryGetValue(correctedText, out var cid) ? cid : -1;

        // Start distribution of the walk.
        var start = new List<(int Node, double Weight)>(4);
        var sources = new Dictionary<int, string>();
        if (known) start.Add((queryId, 1.0));
        if (correctedId >= 0)
        {
            start.Add((correctedId, known ? 0.5 : 1.0));
            sources[correctedId] = "spelling";
        }
        if (!start.Any(s => _graph.Degree(s.Node) > 0))
        {
            foreach (var (q, score) in _words.Similar(correctedTokens, Options.BackoffQueries, Options.BackoffMinScore))
            {
                if (q == queryId || q == correctedId) continue;
                start.Add((q, 0.5 * score));
                sources.TryAdd(q, "words");
            }
        }

        var clips = new List<SuggestedClip>();
        var related = new List<RelatedQuery>();
        if (start.Count > 0)
        {
            var reached = _reached.Value!;
            _walk.Run(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(start), reached);
            // P_{0|t}(k | start) is proportional to P_{t|0}(start | k) P_0(k): a uniform prior is Craswell and
            // Szummer's backward walk; a prior proportional to click volume D(k) equals the forward walk (the walk
            // is reversible with stationary distribution D), which lets click counts matter for a clip linked to one query.
            var volumePrior = Options.WalkSettings.ClickVolumePrior;
            double clipMass = 0, queryMass = 0;
            var topClips = new TopK(Options.TopClips, _graph);
            var topQueries = new TopK(Options.TopRelated * 4, _graph);
            foreach (var (node, walked) in reached)
            {
                var score = volumePrior ? walked * _graph.WeightedDegree(node) : walked;
                if (node >= _graph.QueryCount) { clipMass += score; topClips.Offer(node, score); }
                else if (node != queryId) { queryMass += score; topQueries.Offer(node, score); }
            }
            foreach (var (node, score) in topClips.Items)
                clips.Add(new SuggestedClip(_clips[node - _graph.QueryCount], score / clipMass));

            // Related queries: the walk's share blended with the co-click cosine to the start queries.
            var candidates = topQueries.Items;
            var maxWalk = candidates.Length > 0 ? candidates[0].Score : 1;
            var coClick = _coClick.Value!;
            coClick.Prepare(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(start));
            foreach (var (node, score) in candidates)
            {
                var cosine = coClick.To(node);
                var blended = Options.RelatedBlend * score / maxWalk + (1 - Options.RelatedBlend) * cosine;
                related.Add(new RelatedQuery(_queries[node], blended, score / queryMass, cosine, _searches[node],
                    _hadResults[node], sources.GetValueOrDefault(node, "walk")));
            }
            // Start queries without clicks are not reached by the walk; still propose them.
            foreach (var (node, _) in start)
                if (node != queryId && related.All(r => r.Query != _queries[node]))
                    related.Add(new RelatedQuery(_queries[node], 0, 0, 0, _searches[node], _hadResults[node],
                        sources.GetValueOrDefault(node, "walk")));
            related.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Query, b.Query));
            if (related.Count > Options.TopRelated) related.RemoveRange(Options.TopRelated, related.Count - Options.TopRelated);
        }
        return new EnrichmentResult(query, normalized, known, corrections, correctedText, related, clips, null);
    }

    private SpellingSuggestion? CorrectWord(string word, bool queryHadNoResults,
        Func<string, int?, int, IReadOnlyList<SpellingSuggestion>> lookup)
    {
        var frequency = _spelling.Frequency(word);
        if (frequency > 0 && !queryHadNoResults && frequency > Options.RareWordFrequency) return null;
        if (word.Length < _spelling.Options.MinWordLength || word.All(char.IsDigit)) return null;
        // Short words have many neighbours at distance 2, most of them unrelated.
        foreach (var s in lookup(word, word.Length <= 4 ? 1 : null, 3))
        {
            if (s.Term == word) continue;
            if (frequency == 0) return s;
            if (queryHadNoResults ? s.Frequency > frequency : s.Distance == 1 && s.Frequency >= Options.DominanceRatio * frequency)
                return s;
        }
        return null;
    }

    private readonly ThreadLocal<List<(int Node, double Score)>> _reached = new(() => new List<(int, double)>());
    private readonly ThreadLocal<CoClickSimilarity> _coClick;

    /// <summary>
    /// The k best nodes seen so far, by score; ties (frequent in the backward walk: clips linked to one query score
    /// alike) go to the node with more clicks, then to the lower id. Insertion into a short sorted array: most
    /// offers fail the first comparison, so selecting from thousands of reached nodes costs about one pass.
    /// </summary>
    private sealed class TopK(int k, ClickGraph graph)
    {
        private readonly (int Node, double Score)[] _items = new (int, double)[Math.Max(1, k)];
        private int _count;

        public ReadOnlySpan<(int Node, double Score)> Items => _items.AsSpan(0, _count);

        public void Offer(int node, double score)
        {
            if (k <= 0) return;
            if (_count == k && !Better(node, score, _items[k - 1])) return;
            var i = _count == k ? k - 1 : _count++;
            while (i > 0 && Better(node, score, _items[i - 1])) { _items[i] = _items[i - 1]; i--; }
            _items[i] = (node, score);
        }

        private bool Better(int node, double score, (int Node, double Score) other)
        {
            if (score != other.Score) return score > other.Score;
            var d = graph.WeightedDegree(node).CompareTo(graph.WeightedDegree(other.Node));
            return d != 0 ? d > 0 : node < other.Node;
        }
    }
}
