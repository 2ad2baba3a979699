using System.Diagnostics;

namespace Workbook.AutoML;

/// <summary>
/// One experiment of the workers benchmark: a tuner, a seed and a number of worker processes on one store. Times are
/// wall seconds from the experiment's first trial start (worker start-up and data loading are not counted);
/// <c>TrialsPerMinute</c> counts completed trials over that time.
/// </summary>
public sealed record WorkersBenchmarkRow(int Seed, string Tuner, int Workers, int Trials, int FullBudgetTrials, double WallSeconds, double TrialSeconds,
    double TrialsPerMinute, double? BestValidation, double? SecondsToReachRandomBest, string Load)
{
    public double? RandomSecondsToItsBest { get; init; }
}

/// <summary>
/// <c>bench automl --workers 1,2</c>: each tuner, seed and number of workers as one experiment worked by that many
/// <c>automl worker</c> processes on one SQLite store, each given the same wall time (the experiment's budget is
/// trial seconds across workers, so <c>workers x budget</c>). Measures trials per minute against one worker, and how
/// soon asynchronous halving reaches random search's best with the same workers and seed.
/// </summary>
public static class AutoMLWorkersBenchmark
{
    public static IReadOnlyList<WorkersBenchmarkRow> Run(ITrainable trainable, string dataPath, string optionsJson, double wallBudgetSeconds,
        IReadOnlyList<string> tuners, IReadOnlyList<int> seeds, IReadOnlyList<int> workers, string storePath,
        Func<IReadOnlyList<string>, Process> startWorker, Action<string>? log = null, CancellationToken cancellation = default)
    {
        using var store = ExperimentStore.OpenFresh(storePath);
        var rows = new List<WorkersBenchmarkRow>();
        foreach (var seed in seeds)
        foreach (var w in workers)
        {
            double? randomBest = null, randomToBest = null;
            // Random first: the others are measured against its best.
            foreach (var tuner in tuners.OrderBy(t => t == "random" ? 0 : 1))
            {
                var name = $"bench-{trainable.Task}-{tuner}-s{seed}-w{w}";
                var definition = AutoMLTasks.Define(name, trainable, dataPath, optionsJson, tuner, seed, wallBudgetSeconds * w, 100_000);
                var id = store.CreateOrOpen(definition).Id;
                log?.Invoke($"{name}: {w} worker(s), {wallBudgetSeconds:0} s wall, load {MachineLoad.Now()} ...");
                RunWorkers(name, storePath, w, startWorker, cancellation);
                var trials = store.Trials(id);
                var start = trials.Min(t => t.Started);
                double? Reach(double target) => trials.Where(t => t.Status == TrialStatus.Completed && t.Budget >= 1 && t.Objective >= target)
                    .Min(t => t.Finished) is { } at ? (at - start).TotalSeconds : null;
                var best = Leaderboard.Best(trials)?.Objective;
                if (tuner == "random") (randomBest, randomToBest) = (best, best is { } b ? Reach(b) : null);
                var wall = (trials.Max(t => t.Finished ?? t.Started) - start).TotalSeconds;
                var done = trials.Count(t => t.Status == TrialStatus.Completed);
                var row = new WorkersBenchmarkRow(seed, tuner, w, done, trials.Count(t => t.Status == TrialStatus.Completed && t.Budget >= 1), wall,
                    trials.Sum(t => t.DurationSeconds ?? 0), wall > 0 ? done / wall * 60 : 0, best, randomBest is { } target ? Reach(target) : null,
                    MachineLoad.Now()) { RandomSecondsToItsBest = randomToBest };
                rows.Add(row);
                log?.Invoke($"{name}: {done} trials in {wall:0.0} s ({row.TrialsPerMinute:0.0}/min), best {best:0.0000}, workers " +
                            string.Join(", ", trials.GroupBy(t => t.Worker).Select(g => $"{g.Key}: {g.Count()}")));
            }
        }
        return rows;
    }

    private static void RunWorkers(string experiment, string storePath, int workers, Func<IReadOnlyList<string>, Process> startWorker, CancellationToken cancellation)
    {
        var processes = Enumerable.Range(0, workers).Select(_ => startWorker(["automl", "worker", experiment, "--store", storePath])).ToList();
        var outputs = processes.Select(p => (Out: p.StandardOutput.ReadToEndAsync(cancellation), Err: p.StandardError.ReadToEndAsync(cancellation))).ToList();
        try
        {
            foreach (var p in processes) p.WaitForExitAsync(cancellation).GetAwaiter().GetResult();
            foreach (var (p, i) in processes.Select((p, i) => (p, i)))
                if (p.ExitCode != 0)
                    throw new InvalidOperationException($"worker {i} of {experiment} exited with {p.ExitCode}: {outputs[i].Err.Result.Trim()}");
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.Dispose();
            }
        }
    }
}
