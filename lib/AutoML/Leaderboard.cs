namespace Workbook.AutoML;

/// <summary>Ranking and comparing the trials of stored experiments.</summary>
public static class Leaderboard
{
    /// <summary>
    /// Completed trials best first. Only trials at the largest budget reached compete: a halving trial on a
    /// ninth of the data is not comparable to one on all of it. With <paramref name="constraints"/> (an experiment's
    /// <see cref="ExperimentDefinition.Constraints"/>, e.g. <c>cdiscount_predict_per_cpu_second&gt;=50000</c>) only the
    /// trials that meet them: the best feasible trial wins.
    /// </summary>
    /// <exception cref="ArgumentException">The constraints are not <c>metric&gt;=number</c> parts.</exception>
    public static IReadOnlyList<TrialRecord> Rank(IEnumerable<TrialRecord> trials, string constraints = "") =>
        FullBudget(trials).Where(Feasible(constraints)).ToList();

    public static TrialRecord? Best(IEnumerable<TrialRecord> trials, string constraints = "") => Rank(trials, constraints).FirstOrDefault();

    /// <summary>The full-budget trials <see cref="Rank"/> leaves out because they break a constraint, best first, each with what it breaks.</summary>
    public static IReadOnlyList<(TrialRecord Trial, string Violations)> Infeasible(IEnumerable<TrialRecord> trials, string constraints)
    {
        var parsed = TrialConstraint.Parse(constraints);
        return FullBudget(trials).Select(t => (t, TrialConstraint.Violations(t, parsed))).Where(x => x.Item2.Length > 0).ToList();
    }

    private static Func<TrialRecord, bool> Feasible(string constraints)
    {
        var parsed = TrialConstraint.Parse(constraints);
        return t => parsed.All(c => c.Allows(t));
    }

    private static IReadOnlyList<TrialRecord> FullBudget(IEnumerable<TrialRecord> trials)
    {
        var done = trials.Where(t => t.Status == TrialStatus.Completed && t.Metrics is not null).ToList();
        if (done.Count == 0) return [];
        var top = done.Max(t => t.Budget);
        return done.Where(t => t.Budget == top).OrderByDescending(t => t.Objective).ThenBy(t => t.Number).ToList();
    }

    /// <summary>Best full-budget objective after each trial, against cumulative trial time (the history chart).</summary>
    internal static IReadOnlyList<HistoryPoint> History(IEnumerable<TrialRecord> trials)
    {
        var points = new List<HistoryPoint>();
        double elapsed = 0, cpu = 0, best = double.NegativeInfinity;
        foreach (var t in trials.OrderBy(t => t.Number))
        {
            elapsed += t.DurationSeconds ?? 0;
            // A trial without metrics (failed, killed) has no CPU record: its wall time stands in.
            cpu += t.Metrics?.Values.GetValueOrDefault(CpuSecondsMetric, double.NaN) is { } c && double.IsFinite(c) ? c : t.DurationSeconds ?? 0;
            if (t.Status == TrialStatus.Completed && t.Budget >= 1 && t.Objective > best) best = t.Objective!.Value;
            points.Add(new HistoryPoint(t.Number, elapsed, cpu, t.Budget, t.Status == TrialStatus.Completed ? t.Objective : null,
                double.IsNegativeInfinity(best) ? null : best));
        }
        return points;
    }

    /// <summary>Metric the engine adds to every trial: the process CPU seconds it used (less distorted by machine load than wall time).</summary>
    public const string CpuSecondsMetric = "cpu_seconds";

    /// <summary>Cumulative trial seconds at which an experiment first reached <paramref name="target"/> at full budget; null if never.</summary>
    public static double? TimeToReach(IEnumerable<TrialRecord> trials, double target) =>
        History(trials).FirstOrDefault(p => p.BestSoFar >= target)?.ElapsedSeconds;

    /// <summary>As <see cref="TimeToReach"/>, in cumulative trial CPU seconds.</summary>
    public static double? CpuTimeToReach(IEnumerable<TrialRecord> trials, double target) =>
        History(trials).FirstOrDefault(p => p.BestSoFar >= target)?.ElapsedCpuSeconds;

    public static ExperimentComparison Compare(ExperimentSummaryRow a, ExperimentSummaryRow b) => new(a, b,
        a.BestObjective is { } x && b.BestObjective is { } y ? x - y : null);

    public static ExperimentSummaryRow Summarise(ExperimentRecord e, IReadOnlyList<TrialRecord> trials)
    {
        var best = Best(trials, e.Definition.Constraints);
        var time = best is null ? null : TimeToReach(trials, best.Objective!.Value);
        return new ExperimentSummaryRow(e.Name, e.Definition.Task, e.Definition.Tuner, e.Definition.Seed, trials.Count,
            trials.Count(t => t.Status == TrialStatus.Completed), trials.Count(t => t.Status == TrialStatus.Failed),
            trials.Count(t => t.Status is TrialStatus.Killed or TrialStatus.Running), trials.Sum(t => t.DurationSeconds ?? 0),
            best?.Objective, best?.Number, time, best?.ParamsJson, e.Finished is not null);
    }
}

internal sealed record HistoryPoint(int Number, double ElapsedSeconds, double ElapsedCpuSeconds, double Budget, double? Objective, double? BestSoFar);

public sealed record ExperimentSummaryRow(
    string Name, string Task, string Tuner, int Seed, int Trials, int Completed, int Failed, int Killed, double TrialSeconds,
    double? BestObjective, int? BestTrial, double? SecondsToBest, string? BestParams, bool Finished);

public sealed record ExperimentComparison(ExperimentSummaryRow A, ExperimentSummaryRow B, double? ObjectiveDifference);
