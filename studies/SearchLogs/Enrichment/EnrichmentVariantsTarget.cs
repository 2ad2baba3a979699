using Workbook.Reports;
using Workbook.SearchLogs.Enrichment;

namespace Workbook.Make;

/// <summary>
/// <c>enrichment-variants</c>: ablations chosen without touching the test split. The training part of the time split
/// is itself split in time (build on its first 80%, validate on the rest); each variant changes one thing from the
/// default; the best on validation is then scored once on the test split.
/// </summary>
public static class EnrichmentVariantsTarget
{
    public const string Validation = EnrichmentTargets.Folder + "/variants-validation.json";
    public const string Chosen = EnrichmentTargets.Folder + "/variants-chosen.json";
    public const string Test = EnrichmentTargets.Folder + "/variants-test.json";
    public const double TrainFraction = 0.8;

    internal static readonly (string Name, EnrichmentOptions Options)[] Variants =
    [
        ("default (eta 0.5, t 11, back-off 0.5)", new EnrichmentOptions()),
        ("no spelling correction", new EnrichmentOptions(CorrectSpelling: false)),
        ("no word-overlap back-off", new EnrichmentOptions(BackoffQueries: 0)),
        ("walk of 1 step (direct clicks only)", new EnrichmentOptions(Walk: new WalkOptions(Steps: 1))),
        ("no position weighting (eta 0)", new EnrichmentOptions(Position: PositionWeighting.None)),
        ("stronger position weighting (eta 1, clip 10)", new EnrichmentOptions(Position: new PositionWeighting(1, 10))),
        ("forward walk (click-volume prior)", new EnrichmentOptions(Walk: new WalkOptions(ClickVolumePrior: true))),
        ("looser back-off (overlap >= 0.3)", new EnrichmentOptions(BackoffMinScore: 0.3)),
        ("stricter back-off (overlap >= 0.7)", new EnrichmentOptions(BackoffMinScore: 0.7)),
    ];

    public static Target Target { get; } = new(
        Name: "enrichment-variants",
        Description: "compare enrichment variants on a validation split, then score the best once on the test split",
        Inputs: [],
        DependsOn: [CleanSearchLogsTarget.Target.Name],
        Parameters: new Dictionary<string, string>
        {
            ["train_fraction"] = TrainFraction.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["variants"] = string.Join(" | ", Variants.Select(v => $"{v.Name}: {v.Options}")),
        },
        Code: [.. EnrichmentTargets.LibraryCode, "studies/SearchLogs/Enrichment/EnrichmentVariantsTarget.cs"],
        Outputs: [Validation, Chosen, Test],
        Build: (context, _) =>
        {
            var log = CleanLogReader.Read(context.Input(SearchLogTargets.CleanDb));
            var outer = TimeSplit.ByFraction(log, TrainFraction);
            var validation = EnrichmentEvaluation.Compare(outer.Train, Variants);
            // Ties go to the earlier variant, so the default wins unless another is strictly better.
            var best = validation.Select((v, i) => (v, i)).OrderByDescending(x => x.v.RecallAt10.Value).ThenBy(x => x.i).First();
            var chosen = Variants[best.i];
            var test = EnrichmentEvaluation.Evaluate(outer, EnrichmentIndex.Build(outer.Train, chosen.Options));
            // Three files, each a type the notebook reads back as it is (a list of the library's records, a name).
            Artifact.Write(context.Output(Validation), validation);
            Artifact.Write(context.Output(Chosen), chosen.Name);
            Artifact.Write(context.Output(Test), test.Systems);
            return Task.CompletedTask;
        });
}
