using Workbook.AutoML;
using Workbook.Reports;

namespace Workbook.Make;

/// <summary>
/// <c>automl-ranking</c>: three tuners (random, successive halving, cost-frugal) on the product ranking with about the
/// same work each, then the default and each tuner's best scored on thinning seeds the tuners never saw, paired by
/// seed. Everything notebook 06 shows about the ranking, in <c>data/derived/automl/ranking/</c>.
/// </summary>
public static class AutoMLRankingTarget
{
    public const string Folder = AutoMLTargets.Folder + "/ranking";
    public const string Data = "data/ranking/product_scoring.csv";
    public const string Options = """{"TuneSeeds":6,"TestSeeds":20}""";
    public static readonly (string Tuner, int Trials)[] Tuners = [("random", 16), ("halving", 41), ("cfo", 16)];

    public sealed record TunerRow(string Tuner, int Trials, double TrialSeconds, double? BestNDCG, int? BestTrial, double? SecondsToBest);

    public sealed record TestRow(string Configuration, double TestNDCG, double TestRevenue, double VsDefault, double DiffStd, int SeedsWon, int Seeds,
        string Params);

    /// <param name="HalvingSecondsToRandomBest">Trial seconds successive halving took to reach random search's best; null if it never did.</param>
    public sealed record Facts(string BestTuned, double GainOverDefault, double GainStandardErrors, int SeedsWon, int Seeds,
        double? HalvingSecondsToRandomBest, double? RandomSecondsToBest);

    public static Target Target { get; } = new(
        Name: "automl-ranking",
        Description: "AutoML demo: three tuners on the product ranking, their best against the default on unseen seeds",
        Inputs: [Data],
        DependsOn: [],
        Parameters: new Dictionary<string, string>
        {
            ["tuners"] = string.Join(", ", Tuners.Select(t => $"{t.Tuner}:{t.Trials}")), ["seed"] = $"{AutoMLTargets.Seed}", ["options"] = Options,
        },
        Code: [.. AutoMLTargets.LibraryCode, "lib/Products/Ranking", "studies/AutoML/AutoMLTargets.cs", "studies/AutoML/AutoMLRankingTarget.cs"],
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
        // Built from Options, the string the experiments record, as `automl run --task rank` would: one source for the seeds.
        var rank = (RankerTrainable)AutoMLTasks.Standard.Create("rank", data, Options);
        using var store = ExperimentStore.OpenFresh(Out("experiments.db"));
        var runs = Tuners.Select(t => AutoMLTargets.Run(store, rank, data, Options, t.Tuner, t.Trials, ct)).ToList();
        foreach (var r in runs)
            Artifact.WriteFigure(Out($"history-{r.Experiment.Definition.Tuner}.json"),
                ExperimentCharts.History(r.Trials, $"Ranking, {r.Experiment.Definition.Tuner}: NDCG@100 per trial", "NDCG@100").Height(300));
        var summaries = runs.Select(r => Leaderboard.Summarise(r.Experiment, r.Trials)).ToList();
        Artifact.Write(Out("tuners.json"), summaries.Select(s => new TunerRow(s.Tuner, s.Trials, s.TrialSeconds, s.BestObjective, s.BestTrial, s.SecondsToBest)).ToList());

        var candidates = new List<(string Name, ParameterSet Params)> { ("default", rank.Defaults) };
        candidates.AddRange(runs.Select(r => ($"best of {r.Experiment.Definition.Tuner}", rank.Space.Parse(r.Best!.ParamsJson))));
        var bySeed = candidates.Select(c => (c.Name, c.Params, Ndcg: rank.TestBySeed(c.Params, ct))).ToList();
        var baseline = bySeed[0].Ndcg.Ndcg;
        var rows = bySeed.Select(c =>
        {
            var diff = c.Ndcg.Ndcg.Zip(baseline, (a, b) => a - b).ToList();
            var mean = diff.Average();
            return new TestRow(c.Name, c.Ndcg.Ndcg.Average(), c.Ndcg.Revenue.Average(), mean,
                Math.Sqrt(diff.Sum(d => (d - mean) * (d - mean)) / (diff.Count - 1)), diff.Count(d => d > 0), diff.Count, c.Params.ToString());
        }).ToList();
        Artifact.Write(Out("test.json"), rows);

        var best = rows.Skip(1).MaxBy(r => r.TestNDCG)!;
        var standardError = best.DiffStd / Math.Sqrt(best.Seeds);
        var random = runs[0];
        var halving = runs[1];
        Artifact.Write(Out("facts.json"), new Facts(best.Configuration, best.VsDefault, standardError > 0 ? best.VsDefault / standardError : 0,
            best.SeedsWon, best.Seeds, Leaderboard.TimeToReach(halving.Trials, random.Best!.Objective!.Value), summaries[0].SecondsToBest));
    }
}
