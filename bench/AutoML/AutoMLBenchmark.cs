using System.Diagnostics;

namespace Workbook.AutoML;

/// <summary>One tuner's line of the benchmark.</summary>
/// <summary>
/// One tuner's line of the benchmark. <c>BestTrialTest</c> is the test score of the best validation trial;
/// <c>SelectedTest</c> that of what the experiment hands on (<see cref="ConfigurationSelection"/>: the best trial, or
/// the default when the best does not convincingly beat it).
/// </summary>
public sealed record TunerBenchmarkRow(string Tuner, int Trials, int FullBudgetTrials, double TrialSeconds, double TrialCpuSeconds, double? BestValidation,
    double? SecondsToBest, double? SecondsToReachRandomBest, double? CpuSecondsToReachRandomBest, double? SecondsToBeatDefault, double? CpuSecondsToBeatDefault,
    double? BestTrialTest, double? SelectedTest, string Selection, string? BestParams);

public sealed record AutoMLBenchmarkResult(string Task, double BudgetSeconds, double DefaultTest, IReadOnlyList<TunerBenchmarkRow> Rows, string Load,
    double CpuSeconds)
{
    /// <summary>Halving's time to reach random search's best over random's own time to reach it (target: below 0.5).</summary>
    public double? HalvingToRandomTimeRatio => Ratio(r => r.SecondsToReachRandomBest);

    /// <summary>The same in trial CPU seconds, which machine load distorts less than wall time.</summary>
    public double? HalvingToRandomCpuRatio => Ratio(r => r.CpuSecondsToReachRandomBest);

    private double? Ratio(Func<TunerBenchmarkRow, double?> time)
    {
        var random = Rows.FirstOrDefault(r => r.Tuner == "random");
        var halving = Rows.FirstOrDefault(r => r.Tuner == "halving");
        return random is not null && time(random) is > 0 and var r && halving is not null && time(halving) is { } h ? h / r : null;
    }
}

/// <summary>
/// The AutoML targets, side by side on one task: each tuner with the same time budget (fresh store), then the
/// default configuration and each tuner's best measured on the test split; and how long successive halving needed
/// to reach random search's best.
/// </summary>
public static class AutoMLBenchmark
{
    public static AutoMLBenchmarkResult Run(ITrainable trainable, string dataPath, string optionsJson, double budgetSeconds, IReadOnlyList<string> tuners,
        int seed, string storePath, Action<string>? log = null, CancellationToken cancellation = default)
    {
        using var store = ExperimentStore.OpenFresh(storePath);
        var summaries = new Dictionary<string, ExperimentSummary>();
        // Random first: the others are measured against its best.
        foreach (var tuner in tuners.OrderBy(t => t == "random" ? 0 : 1))
        {
            log?.Invoke($"{tuner}: {budgetSeconds:0} s ...");
            var definition = AutoMLTasks.Define($"bench-{trainable.Task}-{tuner}", trainable, dataPath, optionsJson, tuner, seed, budgetSeconds, 100_000);
            summaries[tuner] = new AutoMLExperiment(store, trainable).Run(definition, cancellation: cancellation);
            log?.Invoke($"{tuner}: {summaries[tuner].Trials.Count} trials, best {summaries[tuner].Best?.Objective:0.0000}");
        }
        var randomBest = summaries.TryGetValue("random", out var r) ? r.Best?.Objective : null;
        // The default's validation score (every tuner evaluates it early): "time to beat the default" needs no random run.
        var defaultValidation = summaries.Values.SelectMany(s => s.Trials)
            .FirstOrDefault(t => t.Status == TrialStatus.Completed && t.Budget >= 1 && t.ParamsJson == trainable.Defaults.Json)?.Objective;
        double? Beat(IReadOnlyList<TrialRecord> trials, bool cpu) => defaultValidation is not { } d ? null
            : cpu ? Leaderboard.CpuTimeToReach(trials, Math.BitIncrement(d)) : Leaderboard.TimeToReach(trials, Math.BitIncrement(d));
        // Test scores by configuration: tuners that agree (or select the default) cost one fit, not several.
        var tests = new Dictionary<string, double>();
        double TestOf(ParameterSet p)
        {
            if (tests.TryGetValue(p.Json, out var known)) return known;
            var watch = Stopwatch.StartNew();
            var score = trainable.Test(p, cancellation).Objective;
            log?.Invoke($"test {score:0.0000} ({watch.Elapsed.TotalSeconds:0} s): {p}");
            return tests[p.Json] = score;
        }
        log?.Invoke("default configuration on the test split ...");
        var defaultTest = TestOf(trainable.Defaults);
        var rows = new List<TunerBenchmarkRow>();
        foreach (var tuner in tuners)
        {
            var s = summaries[tuner];
            var best = s.Best;
            var summary = Leaderboard.Summarise(s.Experiment, s.Trials);
            var selection = ConfigurationSelection.Choose(trainable, s.Trials, cancellation);
            double? bestTest = best is null ? null : TestOf(trainable.Space.Parse(best.ParamsJson));
            rows.Add(new TunerBenchmarkRow(tuner, s.Trials.Count, s.Trials.Count(t => t.Budget >= 1), summary.TrialSeconds,
                Leaderboard.History(s.Trials).LastOrDefault()?.ElapsedCpuSeconds ?? 0, best?.Objective, summary.SecondsToBest,
                randomBest is { } target ? Leaderboard.TimeToReach(s.Trials, target) : null,
                randomBest is { } cpuTarget ? Leaderboard.CpuTimeToReach(s.Trials, cpuTarget) : null, Beat(s.Trials, false), Beat(s.Trials, true), bestTest,
                TestOf(selection.Parameters), selection.Reason, best?.ParamsJson));
        }
        return new AutoMLBenchmarkResult(trainable.Task, budgetSeconds, defaultTest, rows, MachineLoad.Now(), CpuStopwatch.ProcessTime().TotalSeconds);
    }
}
