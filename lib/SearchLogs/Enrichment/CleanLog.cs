namespace Workbook.SearchLogs.Enrichment;

/// <summary>One cleaned search request, as much of it as enrichment needs.</summary>
/// <param name="Total">Results the engine returned; -1 when the clean table holds no value.</param>
/// <param name="UserId">The <c>cuid</c> (only used to describe sessions; enrichment itself is not personalized).</param>
internal sealed record LoggedSearch(string SearchId, string Query, DateTime TsUtc, long Total, string UserId = "");

/// <summary>One cleaned click on a result of <see cref="SearchId"/>.</summary>
internal sealed record LoggedClick(string SearchId, string ClipId, int Position, DateTime TsUtc);

/// <summary>
/// The cleaned logs held in memory, searches sorted by time. Enrichment never sees raw CSVs: this comes from the
/// clean tables (<see cref="CleanLogReader"/>) or, in benchmarks, from a generated log (bench/).
/// </summary>
public sealed class CleanLog
{
    internal IReadOnlyList<LoggedSearch> Searches { get; }
    internal IReadOnlyList<LoggedClick> Clicks { get; }

    internal CleanLog(IEnumerable<LoggedSearch> searches, IEnumerable<LoggedClick> clicks)
    {
        // Stable order (time, then id) so every split and every build is reproducible.
        Searches = searches.OrderBy(s => s.TsUtc).ThenBy(s => s.SearchId, StringComparer.Ordinal).ToList();
        Clicks = clicks.OrderBy(c => c.TsUtc).ThenBy(c => c.SearchId, StringComparer.Ordinal)
            .ThenBy(c => c.Position).ToList();
    }

    /// <summary>Clicks grouped by their search id.</summary>
    internal ILookup<string, LoggedClick> ClicksBySearch() => Clicks.ToLookup(c => c.SearchId, StringComparer.Ordinal);
}
