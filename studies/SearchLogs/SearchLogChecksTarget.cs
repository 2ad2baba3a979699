using Workbook.Reports;
using Workbook.SearchLogs;

namespace Workbook.Make;

/// <summary>
/// <c>search-logs-checks</c>: the pipeline's promises checked again on the published clean database, against raw rows
/// counted independently, and its idempotence: a rerun on a copy of the database gives the same tables (a digest of
/// every row without run_id).
/// </summary>
public static class SearchLogChecksTarget
{
    public const string Invariants = SearchLogTargets.Folder + "/invariants.json";
    public const string Rerun = SearchLogTargets.Folder + "/rerun.json";

    public sealed record RerunCheck(string FirstRunDigest, string RerunDigest, bool Identical, bool RerunSucceeded);

    public static Target Target { get; } = new(
        Name: "search-logs-checks",
        Description: "check the clean database's invariants against the raw logs, and that a rerun gives the same tables",
        Inputs: [SearchLogTargets.RawLogs],
        DependsOn: [CleanSearchLogsTarget.Target.Name],
        Parameters: new Dictionary<string, string>(),
        Code: ["lib/SearchLogs/*.cs", "studies/SearchLogs/SearchLogChecksTarget.cs"],
        Outputs: [Invariants, Rerun],
        Build: BuildAsync);

    private static async Task BuildAsync(TargetContext context, CancellationToken ct)
    {
        var input = context.Input(SearchLogTargets.RawLogs);
        var published = context.Input(SearchLogTargets.CleanDb);
        Artifact.Write(context.Output(Invariants), SearchLogInvariants.CheckPublished(published, input));

        // The rerun writes into a copy: the published database is another target's output and must stay as built.
        var copy = Path.Combine(Path.GetTempPath(), $"workbook-rerun-{Guid.NewGuid():N}.db");
        try
        {
            File.Copy(published, copy);
            var before = SearchLogInvariants.Digest(copy);
            var rerun = await SearchLogPipeline.RunAsync(new PipelineOptions { InputFolder = input, Database = copy, MaxParallel = 1 }, ct);
            var after = SearchLogInvariants.Digest(copy);
            Artifact.Write(context.Output(Rerun), new RerunCheck(before, after, before == after, rerun.Succeeded));
        }
        finally
        {
            foreach (var f in new[] { copy, copy + "-journal", copy + "-wal", copy + "-shm", copy + ".lock" })
                if (File.Exists(f)) File.Delete(f);
        }
    }
}
