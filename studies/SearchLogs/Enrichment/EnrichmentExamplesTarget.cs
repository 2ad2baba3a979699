using Workbook.Reports;
using Workbook.SearchLogs.Enrichment;

namespace Workbook.Make;

/// <summary>
/// <c>enrichment-examples</c>: the clean log's profile (how much repeats, how much is clicked), the index built from
/// every clean search, and what it proposes for a fixed list of example queries, one of them in full.
/// </summary>
public static class EnrichmentExamplesTarget
{
    public const string Profile = EnrichmentTargets.Folder + "/clean-log-profile.json";
    public const string Index = EnrichmentTargets.Folder + "/index-stats.json";
    public const string Examples = EnrichmentTargets.Folder + "/examples.json";
    public const string OneInFull = EnrichmentTargets.Folder + "/example-in-full.json";

    /// <summary>Queries chosen to show each path: known, misspelled, noisy, unseen, not a search.</summary>
    public static readonly string[] Queries =
        ["Documentary", "documentry", "musci video", "4K  Video!", "japan travel", "stop motion animation", "watchtower turkey", "someone@example.com", "www.vimeo.com", "qwxzv"];

    public const string FullQuery = "documentry";

    public static Target Target { get; } = new(
        Name: "enrichment-examples",
        Description: "profile the clean log, build the enrichment index on all of it and enrich the example queries",
        Inputs: [],
        DependsOn: [CleanSearchLogsTarget.Target.Name],
        Parameters: new Dictionary<string, string> { ["queries"] = string.Join(" | ", Queries), ["full"] = FullQuery, ["options"] = new EnrichmentOptions().ToString() },
        Code: [.. EnrichmentTargets.LibraryCode, "studies/SearchLogs/Enrichment/EnrichmentExamplesTarget.cs"],
        Outputs: [Profile, Index, Examples, OneInFull],
        Build: (context, _) =>
        {
            var log = CleanLogReader.Read(context.Input(SearchLogTargets.CleanDb));
            Artifact.Write(context.Output(Profile), CleanLogProfile.Of(log));
            var index = EnrichmentIndex.Build(log);
            Artifact.Write(context.Output(Index), index.Stats);
            Artifact.Write(context.Output(Examples), Queries.Select(q => EnrichmentExample.Of(index.Enrich(q))).ToList());
            Artifact.Write(context.Output(OneInFull), index.Enrich(FullQuery));
            return Task.CompletedTask;
        });
}
