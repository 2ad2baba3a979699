using Workbook.Reports;
using Workbook.SearchLogs;

namespace Workbook.Make;

/// <summary>
/// <c>search-logs-clean</c>: the search-log pipeline run on the raw logs into a SQLite database, which notebooks 04 and
/// 05 and the enrichment targets read, plus the run's summary (rows in, clean, rejected by reason, task timings).
/// </summary>
public static class CleanSearchLogsTarget
{
    public const string Summary = SearchLogTargets.Folder + "/pipeline-run.json";

    /// <summary>The run as the notebook shows it: rejected rows by reason per source, and the pipeline's task graph.</summary>
    public sealed record RunSummary(string RunId, bool Succeeded, double Seconds, string Graph, IReadOnlyList<RejectedCount> Rejected,
        IReadOnlyList<SourceCount> Sources);

    public sealed record RejectedCount(string Source, long RowsIn, long Clean, string Reason, long Rejected);

    public sealed record SourceCount(string Source, long RowsIn, long Clean, long Rejected, long Merged);

    public static Target Target { get; } = new(
        Name: "search-logs-clean",
        Description: "clean the raw search logs into SQLite (clean requests, clean clicks, rejected rows)",
        Inputs: [SearchLogTargets.RawLogs],
        DependsOn: [],
        Parameters: new Dictionary<string, string> { ["backend"] = "sqlite" },
        Code: ["lib/SearchLogs/*.cs", "lib/Dag", "studies/SearchLogs/CleanSearchLogsTarget.cs"],
        Outputs: [SearchLogTargets.CleanDb, Summary],
        Build: BuildAsync);

    private static async Task BuildAsync(TargetContext context, CancellationToken ct)
    {
        // One task at a time: make already runs two targets side by side on the two cores.
        var database = context.Output(SearchLogTargets.CleanDb);
        var summary = await SearchLogPipeline.RunAsync(new PipelineOptions
        {
            InputFolder = context.Input(SearchLogTargets.RawLogs),
            Database = database,
            MaxParallel = 1,
        }, ct);
        // The pipeline's one-writer lock file is released when the run returns and is no output of this target: the
        // staging folder is this build's alone, so nothing else can be holding it.
        if (PipelineWriterLock.LockPathOf(database) is { } lockFile) File.Delete(lockFile);
        if (!summary.Succeeded) throw new InvalidOperationException($"the search-log pipeline failed: {summary.Error}");
        context.Progress.Report($"run {summary.RunId}: {summary.Elapsed.TotalSeconds:0.0} s");
        Artifact.Write(context.Output(Summary), new RunSummary(
            summary.RunId, summary.Succeeded, Math.Round(summary.Elapsed.TotalSeconds, 2), SearchLogPipeline.Graph().Render(),
            summary.Sources.SelectMany(s => s.RejectedByReason.Select(kv => new RejectedCount(s.Source, s.RowsIn, s.Clean, kv.Key, kv.Value)))
                .OrderBy(r => r.Source, StringComparer.Ordinal).ThenByDescending(r => r.Rejected).ToList(),
            summary.Sources.Select(s => new SourceCount(s.Source, s.RowsIn, s.Clean, s.Rejected, s.Merged)).ToList()));
    }
}
