using System.Diagnostics;
using Workbook.AutoML.Tuners;

namespace Workbook.AutoML;

/// <summary>
/// Runs a tuner against a trainable, persisting every trial, until the time budget, the trial budget or the tuner runs
/// out. Resuming replays the stored trials into a fresh tuner built from the same seed: since a tuner is a
/// deterministic function of its seed and the results it is told, it proposes the same trials in the same order, so
/// finished trials are read back instead of rerun, and a trial a dead process left <c>running</c> is rerun under its
/// own number (never a new one). Time already spent by stored trials counts against the time budget.
/// </summary>
public sealed class AutoMLExperiment(ExperimentStore store, ITrainable trainable)
{
    /// <summary>Proposals answered from already-evaluated identical configurations before giving up (a stuck tuner).</summary>
    internal const int MaxConsecutiveDuplicates = 10_000;

    public ExperimentSummary Run(ExperimentDefinition definition, IProgress<TrialProgress>? progress = null, CancellationToken cancellation = default)
    {
        var experiment = store.CreateOrOpen(definition);
        store.AcquireRunner(experiment.Id);
        var completedRun = false;
        try
        {
            store.MarkOrphansKilled(experiment.Id);
            var stored = store.Trials(experiment.Id).ToDictionary(t => t.Number);
            var budgetSeconds = experiment.Definition.BudgetSeconds;
            var maxTrials = experiment.Definition.MaxTrials;
            var spent = stored.Values.Sum(t => t.DurationSeconds ?? 0);
            var clock = Stopwatch.StartNew();
            double Remaining() => budgetSeconds - spent - clock.Elapsed.TotalSeconds;

            var tuner = TunerFactory.Create(definition.Tuner, trainable.Space, definition.Seed, trainable.Defaults);
            var seen = new Dictionary<(string, double), TrialMetrics?>();
            var best = new BestTracker();
            var ran = 0;
            var replayed = 0;
            var duplicates = 0;
            var number = 1;
            string stopReason = "tuner finished";

            while (true)
            {
                if (number > maxTrials) { stopReason = $"trial budget ({maxTrials}) reached"; break; }
                var request = tuner.Ask();
                if (request is null) break;

                // Identical configuration at the same budget: reuse the result rather than spend a trial on it.
                if (seen.TryGetValue((request.Parameters.Json, request.Budget), out var cached))
                {
                    tuner.Tell(request, cached);
                    if (++duplicates >= MaxConsecutiveDuplicates) { stopReason = "tuner keeps proposing evaluated configurations"; break; }
                    continue;
                }
                duplicates = 0;

                if (stored.TryGetValue(number, out var old) && old.Status is TrialStatus.Completed or TrialStatus.Failed)
                {
                    if (old.ParamsJson != request.Parameters.Json || old.Budget != request.Budget)
                        throw new ExperimentStoreException(
                            $"Experiment '{definition.Name}' trial {number} stored {old.ParamsJson} at budget {old.Budget}, but the tuner now proposes " +
                            $"{request.Parameters.Json} at budget {request.Budget}: the code changed since the experiment ran. Start a new experiment.");
                    tuner.Tell(request, old.Metrics);
                    seen[(request.Parameters.Json, request.Budget)] = old.Metrics;
                    best.Offer(old);
                    replayed++;
                    progress?.Report(new TrialProgress(old, request.Parameters, best.Best, Replayed: true));
                    number++;
                    continue;
                }

                if (Remaining() <= 0) { stopReason = $"time budget ({budgetSeconds:0} s) spent"; break; }
                cancellation.ThrowIfCancellationRequested();

                var record = RunTrial(experiment.Id, number, request, Remaining(), cancellation);
                ran++;
                if (record.Status == TrialStatus.Killed)
                {
                    // Cut short by the time budget (or Ctrl+C): its number stays killed and is rerun by a resume with budget left.
                    progress?.Report(new TrialProgress(record, request.Parameters, best.Best, Replayed: false));
                    stopReason = cancellation.IsCancellationRequested ? "cancelled" : $"time budget ({budgetSeconds:0} s) spent during a trial";
                    break;
                }
                tuner.Tell(request, record.Metrics);
                seen[(request.Parameters.Json, request.Budget)] = record.Metrics;
                best.Offer(record);
                progress?.Report(new TrialProgress(record, request.Parameters, best.Best, Replayed: false));
                number++;
            }
            completedRun = !cancellation.IsCancellationRequested;
            return new ExperimentSummary(store.Get(definition.Name), store.Trials(experiment.Id), ran, replayed, stopReason);
        }
        finally
        {
            store.ReleaseRunner(experiment.Id, completedRun);
        }
    }

    private TrialRecord RunTrial(long experimentId, int number, TrialRequest request, double remainingSeconds, CancellationToken cancellation)
    {
        store.StartTrial(experimentId, number, request.Parameters, request.Budget);
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var cpu = CpuStopwatch.StartNew();
        using var budgetCut = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        budgetCut.CancelAfter(TimeSpan.FromSeconds(Math.Min(remainingSeconds, int.MaxValue / 1000.0)));
        TrialMetrics? metrics = null;
        TrialStatus status;
        string? error = null;
        try
        {
            metrics = trainable.Evaluate(request.Parameters, request.Budget, budgetCut.Token);
            if (!double.IsFinite(metrics.Objective))
            {
                (status, error, metrics) = (TrialStatus.Failed, $"objective is {metrics.Objective}", null);
            }
            else
            {
                status = TrialStatus.Completed;
                // One trial runs at a time, so the process's CPU time over the trial is the trial's.
                metrics = metrics with { Values = new Dictionary<string, double>(metrics.Values)
                    { [Leaderboard.CpuSecondsMetric] = cpu.Elapsed.TotalSeconds } };
            }
        }
        catch (OperationCanceledException) when (budgetCut.IsCancellationRequested)
        {
            (status, error) = (TrialStatus.Killed, cancellation.IsCancellationRequested ? "cancelled by the user" : "time budget ran out during the trial");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A configuration that crashes the trainer is a result (the worst one), not a reason to stop the search.
            (status, error) = (TrialStatus.Failed, $"{e.GetType().Name}: {e.Message}");
        }
        var duration = watch.Elapsed.TotalSeconds;
        store.FinishTrial(experimentId, number, status, metrics, duration, error);
        return new TrialRecord(number, request.Parameters.Json, request.Budget, metrics, duration, status, error, 1, started, DateTimeOffset.UtcNow);
    }

    /// <summary>Best completed trial at full budget (a halving rung on a subsample is not comparable).</summary>
    private sealed class BestTracker
    {
        public TrialRecord? Best { get; private set; }

        public void Offer(TrialRecord t)
        {
            if (t.Status == TrialStatus.Completed && t.Budget >= 1 && (Best is null || t.Objective > Best.Objective)) Best = t;
        }
    }
}

/// <summary>One line of the progress table.</summary>
public sealed record TrialProgress(TrialRecord Trial, ParameterSet Parameters, TrialRecord? BestSoFar, bool Replayed);

public sealed record ExperimentSummary(ExperimentRecord Experiment, IReadOnlyList<TrialRecord> Trials, int TrialsRun, int TrialsReplayed, string StopReason)
{
    public TrialRecord? Best => Leaderboard.Best(Trials);
}
