namespace Workbook.Make;

/// <summary>Notebook 04's targets: the clean database, its checks and the raw logs' profile.</summary>
public static class SearchLogTargets
{
    /// <summary>Where the search-log artifacts live (repository-relative).</summary>
    public const string Folder = "data/derived/search-logs";
    public const string RawLogs = "data/search-logs";
    public const string CleanDb = Folder + "/clean.db";

    public static IReadOnlyList<Target> All => [CleanSearchLogsTarget.Target, SearchLogChecksTarget.Target, RawLogProfileTarget.Target];
}
