namespace Workbook.Make;

/// <summary>Notebook 05's targets: what the index proposes, the offline evaluation and the comparison of variants.</summary>
public static class EnrichmentTargets
{
    public const string Folder = "data/derived/enrichment";

    /// <summary>The code every enrichment target runs.</summary>
    internal static readonly string[] LibraryCode = ["lib/SearchLogs/Enrichment", "lib/SearchLogs/QueryNormalizer.cs", "lib/SearchLogs/Mojibake.cs"];

    public static IReadOnlyList<Target> All => [EnrichmentExamplesTarget.Target, EnrichmentEvaluationTarget.Target, EnrichmentVariantsTarget.Target];
}
