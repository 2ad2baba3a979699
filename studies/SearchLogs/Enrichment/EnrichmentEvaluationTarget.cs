using Workbook.Reports;
using Workbook.SearchLogs.Enrichment;

namespace Workbook.Make;

/// <summary>
/// <c>enrichment-evaluation</c>: the offline evaluation on a time split (index on the earliest 80% of searches, tested
/// on the rest): recall@10 and MRR@10 of exact matching against enrichment, with bootstrap and Wilson intervals.
/// </summary>
public static class EnrichmentEvaluationTarget
{
    public const string Report = EnrichmentTargets.Folder + "/evaluation.json";
    public const double TrainFraction = 0.8;
    public const int Seed = 42;

    public static Target Target { get; } = new(
        Name: "enrichment-evaluation",
        Description: "evaluate enrichment offline on a time split: recall@10 and MRR@10 against exact matching",
        Inputs: [],
        DependsOn: [CleanSearchLogsTarget.Target.Name],
        Parameters: new Dictionary<string, string>
        {
            ["train_fraction"] = TrainFraction.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["seed"] = Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["options"] = new EnrichmentOptions().ToString(),
        },
        Code: [.. EnrichmentTargets.LibraryCode, "studies/SearchLogs/Enrichment/EnrichmentEvaluationTarget.cs"],
        Outputs: [Report],
        Build: (context, _) =>
        {
            var log = CleanLogReader.Read(context.Input(SearchLogTargets.CleanDb));
            Artifact.Write(context.Output(Report), EnrichmentEvaluation.Run(log, trainFraction: TrainFraction, seed: Seed));
            return Task.CompletedTask;
        });
}
