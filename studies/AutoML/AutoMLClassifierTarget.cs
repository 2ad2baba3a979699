using System.Text.Json.Nodes;
using Workbook.AutoML;
using Workbook.Reports;

namespace Workbook.Make;

/// <summary>
/// <c>automl-classifier</c>: cost-frugal search over the classifier's space on <c>flipkart-1050</c> (a fixed trial
/// budget), the selection of a configuration against the default, the default, best and selected configurations
/// scored on the test split, and the selected one refit and saved with its lineage. Everything notebook 06 shows
/// about the classifier, in <c>data/derived/automl/classifier/</c>.
/// </summary>
public static class AutoMLClassifierTarget
{
    public const string Folder = AutoMLTargets.Folder + "/classifier";
    public const string Data = "data/products/flipkart-1050";
    public const string Tuner = "cfo";
    public const int Trials = 24;

    public sealed record LeaderboardRow(int Number, double HF1, double MicroF1, double FitSeconds, string Params);

    public sealed record TestRow(string Configuration, double TestHF1, double MicroF1, double ExactMatch, double MacroF1, double FitSeconds);

    public sealed record Facts(int Trials, int BestTrial, string SelectionReason, bool SelectionIsDefault, double SelectedMinusDefault,
        IReadOnlyList<string> TopParameters, int TestProducts, int Parameters, string ModelFile, string Commit);

    public static Target Target { get; } = new(
        Name: "automl-classifier",
        Description: "AutoML demo: tune the product classifier on flipkart-1050, select against the default, test, refit",
        Inputs: [Data],
        DependsOn: [],
        Parameters: new Dictionary<string, string> { ["tuner"] = Tuner, ["trials"] = $"{Trials}", ["seed"] = $"{AutoMLTargets.Seed}", ["options"] = "{}" },
        Code: [.. AutoMLTargets.LibraryCode, "lib/Products", "studies/AutoML/AutoMLTargets.cs", "studies/AutoML/AutoMLClassifierTarget.cs"],
        Outputs: [Folder],
        Build: (context, ct) =>
        {
            Build(context, ct);
            return Task.CompletedTask;
        });

    private static void Build(TargetContext context, CancellationToken ct)
    {
        string Out(string file) => context.Output($"{Folder}/{file}");
        var data = context.Input(Data);
        var classifier = new ClassifierTrainable(data);
        using var store = ExperimentStore.OpenFresh(Out("experiments.db"));

        Artifact.Write(Out("space.json"), JsonNode.Parse(classifier.Space.ToJson())!.AsArray()
            .Select(p => new { parameter = p!["name"]!.ToString(), declared_as = p.ToJsonString() }).ToList());

        var run = AutoMLTargets.Run(store, classifier, data, "{}", Tuner, Trials, ct);
        context.Progress.Report($"{run.Trials.Count} trials, best {run.Best?.Objective:0.0000}");
        Artifact.WriteFigure(Out("history.json"),
            ExperimentCharts.History(run.Trials, "Classifier, cost-frugal search: hierarchical F1 per trial", "hierarchical F1").Height(340));
        Artifact.Write(Out("leaderboard.json"), Leaderboard.Rank(run.Trials).Take(6).Select(t => new LeaderboardRow(
            t.Number, t.Objective!.Value, t.Metrics!.Values["micro_f1"], t.Metrics.Values["fit_seconds"], classifier.Space.Parse(t.ParamsJson).ToString())).ToList());
        var importance = ParameterImportance.Compute(classifier.Space, run.Trials);
        Artifact.Write(Out("importance.json"), importance);
        Artifact.WriteFigure(Out("parallel-coordinates.json"),
            ExperimentCharts.ParallelCoordinates(classifier.Space, run.Trials, "hierarchical F1").Height(480));

        var best = classifier.Space.Parse(run.Best!.ParamsJson);
        var selection = ConfigurationSelection.Choose(classifier, run.Trials, ct);
        var tests = new[] { ("default", classifier.Defaults), ($"best trial ({run.Best.Number})", best), ("selected", selection.Parameters) }
            .Select(c => (Name: c.Item1, Test: classifier.Test(c.Item2, ct))).ToList();
        Artifact.Write(Out("test.json"), tests.Select(v => new TestRow(v.Name, v.Test.Objective, v.Test.Values["micro_f1"],
            v.Test.Values["exact_match"], v.Test.Values["macro_f1"], v.Test.Values["fit_seconds"])).ToList());

        var lineage = ModelFiles.RefitBest(store, $"classify-{Tuner}", classifier, Out("selected.model"), ct);
        Artifact.Write(Out("facts.json"), new Facts(run.Trials.Count, run.Best.Number, selection.Reason, selection.IsDefault,
            tests[2].Test.Objective - tests[0].Test.Objective, importance.Take(3).Select(i => i.Parameter).ToList(),
            classifier.Split.Test.Count, classifier.Space.Parameters.Count, "selected.model", lineage.Provenance.Commit));
    }
}
