namespace Workbook.SearchLogs.Enrichment;

/// <summary>A query word replaced by a vocabulary word.</summary>
public sealed record TokenCorrection(string From, string To, int Distance, long Frequency);

/// <summary>A known query related to the input. <paramref name="Source"/> says why: <c>walk</c> (click graph),
/// <c>spelling</c> (the corrected query) or <c>words</c> (shares rare words, used when the input is unseen).</summary>
/// <param name="Score">The blend of the walk's share and the co-click cosine used to rank.</param>
/// <param name="HadResults">Some training search of this query returned results.</param>
public sealed record RelatedQuery(string Query, double Score, double Walk, double CoClick, long Searches, bool HadResults, string Source);

/// <summary>A clip proposed for the query, with its backward-walk probability P(clip | query) (the scores sum to at most 1).</summary>
public sealed record SuggestedClip(string ClipId, double Score);

/// <summary>What <see cref="EnrichmentIndex.Enrich"/> proposes for one query.</summary>
/// <param name="SkipReason">Why nothing is proposed (e.g. the input is an e-mail address or a URL); null otherwise.</param>
/// <param name="KnownQuery">The normalized query occurs in the training logs.</param>
public sealed record EnrichmentResult(
    string Input,
    NormalizedQuery Normalized,
    bool KnownQuery,
    IReadOnlyList<TokenCorrection> Corrections,
    string? CorrectedQuery,
    IReadOnlyList<RelatedQuery> RelatedQueries,
    IReadOnlyList<SuggestedClip> SuggestedClips,
    string? SkipReason);

/// <summary>Options of <see cref="EnrichmentIndex"/>.</summary>
/// <param name="BackoffMinScore">Least word overlap for a known query to stand in for an unseen one.</param>
/// <param name="DominanceRatio">A rare known word (seen at most <paramref name="RareWordFrequency"/> times) is still
/// corrected when a vocabulary word this many times more frequent is within distance 1: logs' own vocabularies
/// contain their typos.</param>
/// <param name="RelatedBlend">Weight of the walk (vs the co-click cosine) in a related query's score.</param>
/// <param name="CorrectSpelling">Off only for ablations.</param>
internal sealed record EnrichmentOptions(
    PositionWeighting? Position = null,
    WalkOptions? Walk = null,
    SpellingOptions? Spelling = null,
    int TopClips = 10,
    int TopRelated = 5,
    int BackoffQueries = 3,
    double BackoffMinScore = 0.5,
    double DominanceRatio = 20,
    long RareWordFrequency = 3,
    double RelatedBlend = 0.5,
    bool CorrectSpelling = true)
{
    public PositionWeighting PositionWeights => Position ?? new PositionWeighting();
    public WalkOptions WalkSettings => Walk ?? new WalkOptions();
    public SpellingOptions SpellingSettings => Spelling ?? new SpellingOptions();
}

/// <summary>Sizes and build time of an index.</summary>
public sealed record EnrichmentIndexStats(int Searches, int Queries, int Clips, int Edges, int Vocabulary, TimeSpan BuildTime);
