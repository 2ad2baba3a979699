using System.Collections.Concurrent;
using System.Diagnostics;
using Workbook.AutoML.Tuners;

namespace Workbook.AutoML;

/// <summary>
/// One worker of an experiment: asks the store for the next trial, runs it, records it, until the time budget, the
/// trial budget or the tuner runs out. Any number of workers (threads, processes, machines) may work on one
/// experiment at once; the store hands each trial out once, under the experiment's lock (<see cref="ExperimentStore.HandOut"/>).
/// The next trial is decided from the trials the store holds: a tuner is a deterministic function of its seed and the
/// results it is told, so it proposes the same trials in the same order, finished trials are read back instead of
/// rerun, and a trial a dead worker left <c>running</c> (its process is gone, or its heartbeat is older than
/// <see cref="HeartbeatTimeout"/>) or a trial cut by the time budget is rerun under its own number, never a new one.
/// With one worker the trials are exactly those of a single uninterrupted run with the same seed; with several, the
/// store records which trials were handed out, so a resume continues from them. The time budget counts trial seconds
/// across all workers (stored trials' durations plus the running ones' elapsed time).
/// </summary>
public sealed class AutoMLExperiment(ExperimentStore store, ITrainable trainable)
{
    public ExperimentStore Store => store;
    public ITrainable Trainable => trainable;

    /// <summary>Proposals answered from already-evaluated identical configurations before giving up (a stuck tuner).</summary>
    internal const int MaxConsecutiveDuplicates = 10_000;

    /// <summary>How long a running trial's worker may stay silent before another worker reclaims the trial (a worker beats 4 times per timeout).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a waiting worker asks the store again.</summary>
    internal TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Creates the experiment (or checks the stored one is the same) and works on it.</summary>
    public ExperimentSummary Run(ExperimentDefinition definition, IProgress<TrialProgress>? progress = null, CancellationToken cancellation = default) =>
        Work(store.CreateOrOpen(definition), progress, cancellation);

    /// <summary>Joins the stored experiment <paramref name="name"/> as one more worker (<c>automl worker</c>).</summary>
    public ExperimentSummary Join(string name, IProgress<TrialProgress>? progress = null, CancellationToken cancellation = default)
    {
        var experiment = store.Get(name);
        var d = experiment.Definition;
        if (d.Task != trainable.Task || d.DataHash != trainable.DataHash || d.SearchSpace != trainable.Space.ToJson())
            throw new ExperimentStoreException($"Experiment '{name}' in {store.Path} was created for another task, data or search space than this worker's " +
                                               $"({d.Task}, data {d.DataHash[..Math.Min(12, d.DataHash.Length)]}); the worker would mix incomparable trials.");
        return Work(experiment, progress, cancellation);
    }

    private ExperimentSummary Work(ExperimentRecord experiment, IProgress<TrialProgress>? progress, CancellationToken cancellation)
    {
        var d = experiment.Definition;
        using var worker = new Worker();
        var proposer = TrialProposers.Create(d.Name, d.Tuner, trainable.Space, d.Seed, trainable.Defaults);
        store.SetFinished(experiment.Id, false);

        // What the store already holds is read back, not rerun.
        var best = new BestTracker(d.Constraints);
        var replayed = 0;
        foreach (var t in store.Trials(experiment.Id).Where(t => t.Status is TrialStatus.Completed or TrialStatus.Failed))
        {
            best.Offer(t);
            replayed++;
            progress?.Report(new TrialProgress(t, trainable.Space.Parse(t.ParamsJson), best.Best, Replayed: true));
        }

        var ran = 0;
        string stopReason;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            double remaining = 0;
            TrialRequest? request = null;
            var decision = store.HandOut(experiment.Id, worker.Id, trials =>
            {
                var now = DateTimeOffset.UtcNow;
                remaining = d.BudgetSeconds - trials.Sum(t => t.Status == TrialStatus.Running ? (now - t.Started).TotalSeconds : t.DurationSeconds ?? 0);
                // A trial cut by the budget, or left by a dead worker, comes first, under its own number.
                var orphan = trials.FirstOrDefault(t => t.Status == TrialStatus.Killed || (t.Status == TrialStatus.Running && Worker.Abandoned(t, now, HeartbeatTimeout)));
                if (remaining <= 0) return HandOutDecision.Stop($"time budget ({d.BudgetSeconds:0} s) spent");
                if (orphan is not null)
                    return HandOutDecision.Reclaim(orphan, orphan.Status == TrialStatus.Killed ? "cut short earlier" : $"its worker {orphan.Worker} is gone");
                switch (proposer.Next(trials, d.MaxTrials))
                {
                    case Proposal.Run run:
                        request = run.Request;
                        return HandOutDecision.New(run.Number, run.Request.Parameters.Json, run.Request.Budget);
                    case Proposal.Wait wait:
                        return HandOutDecision.Wait(wait.Reason);
                    case Proposal.Done done:
                        // Stay while other workers still run trials: if one dies, its trial is this worker's to finish.
                        return trials.Any(t => t.Status == TrialStatus.Running)
                            ? HandOutDecision.Wait($"{done.Reason}; waiting for the running trials of other workers")
                            : HandOutDecision.Stop(done.Reason);
                    default:
                        throw new InvalidOperationException("unknown proposal");
                }
            });
            if (decision.Kind == HandOutKind.Stop) { stopReason = decision.Reason; break; }
            if (decision.Kind == HandOutKind.Wait)
            {
                cancellation.WaitHandle.WaitOne(PollInterval);
                continue;
            }

            var parameters = request?.Parameters ?? trainable.Space.Parse(decision.ParamsJson);
            var record = RunTrial(experiment.Id, worker.Id, decision, parameters, remaining, cancellation);
            ran++;
            if (record is null) continue; // reclaimed by another worker while this one ran it (this one was thought dead)
            progress?.Report(new TrialProgress(record, parameters, best.Best, Replayed: false));
            if (record.Status == TrialStatus.Killed)
            {
                // Cut short by the time budget (or Ctrl+C): its number stays killed and is rerun by a worker with budget left.
                stopReason = cancellation.IsCancellationRequested ? "cancelled" : $"time budget ({d.BudgetSeconds:0} s) spent during a trial";
                break;
            }
            best.Offer(record);
        }
        if (!cancellation.IsCancellationRequested) store.SetFinished(experiment.Id, true);
        return new ExperimentSummary(store.Get(d.Name), store.Trials(experiment.Id), ran, replayed, stopReason);
    }

    /// <summary>Runs a handed-out trial with a heartbeat; null when the trial turned out to be another worker's by the end.</summary>
    private TrialRecord? RunTrial(long experimentId, string worker, HandOutDecision trial, ParameterSet parameters, double remainingSeconds,
        CancellationToken cancellation)
    {
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var cpu = CpuStopwatch.StartNew();
        using var budgetCut = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        budgetCut.CancelAfter(TimeSpan.FromSeconds(Math.Min(remainingSeconds, int.MaxValue / 1000.0)));
        var lost = false;
        var beat = HeartbeatTimeout / 4;
        using (new Timer(_ =>
               {
                   try
                   {
                       if (store.Heartbeat(experimentId, trial.Number, worker)) return;
                       lost = true; // reclaimed: stop spending time on it
                       budgetCut.Cancel();
                   }
                   catch (Exception e) when (e is not OutOfMemoryException) { } // the store is unreachable for now: the next beat tries again
               }, null, beat, beat))
        {
            TrialMetrics? metrics = null;
            TrialStatus status;
            string? error = null;
            try
            {
                metrics = trainable.Evaluate(parameters, trial.Budget, budgetCut.Token);
                if (!double.IsFinite(metrics.Objective))
                {
                    (status, error, metrics) = (TrialStatus.Failed, $"objective is {metrics.Objective}", null);
                }
                else
                {
                    status = TrialStatus.Completed;
                    // One trial runs at a time in a worker process, so the process's CPU time over the trial is the trial's.
                    metrics = metrics with { Values = new Dictionary<string, double>(metrics.Values)
                        { [Leaderboard.CpuSecondsMetric] = cpu.Elapsed.TotalSeconds } };
                }
            }
            catch (OperationCanceledException) when (budgetCut.IsCancellationRequested)
            {
                if (lost) return null;
                (status, error) = (TrialStatus.Killed, cancellation.IsCancellationRequested ? "cancelled by the user" : "time budget ran out during the trial");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A configuration that crashes the trainer is a result (the worst one), not a reason to stop the search.
                (status, error) = (TrialStatus.Failed, $"{e.GetType().Name}: {e.Message}");
            }
            var duration = watch.Elapsed.TotalSeconds;
            if (!store.FinishTrial(experimentId, trial.Number, worker, status, metrics, duration, error)) return null;
            return new TrialRecord(trial.Number, parameters.Json, trial.Budget, metrics, duration, status, error, trial.Attempts, started,
                DateTimeOffset.UtcNow, worker);
        }
    }

    /// <summary>
    /// This worker's identity in the store, <c>host/pid/n</c>, and the registry of the workers alive in this process,
    /// so a trial left <c>running</c> by a worker of a dead process on this host, or by an ended worker of this one, is
    /// reclaimed at once; a worker on another host is judged by its heartbeat alone.
    /// </summary>
    private sealed class Worker : IDisposable
    {
        private static int _count;
        private static readonly ConcurrentDictionary<string, bool> Live = new();

        public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Interlocked.Increment(ref _count)}";

        public Worker() => Live[Id] = true;

        public void Dispose() => Live.TryRemove(Id, out _);

        public static bool Abandoned(TrialRecord t, DateTimeOffset now, TimeSpan timeout)
        {
            if (t.Worker is null) return true; // a version-1 store's trial: its one runner has ended
            if (now - (t.Heartbeat ?? t.Started) > timeout) return true;
            var parts = t.Worker.Split('/');
            if (parts.Length < 3 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], out var pid)) return false;
            return pid == Environment.ProcessId ? !Live.ContainsKey(t.Worker) : !ExperimentStore.IsAlive(pid);
        }
    }

    /// <summary>Best completed trial at full budget (a halving rung on a subsample is not comparable) that meets the constraints.</summary>
    private sealed class BestTracker(string constraints)
    {
        private readonly IReadOnlyList<TrialConstraint> _constraints = TrialConstraint.Parse(constraints);

        public TrialRecord? Best { get; private set; }

        public void Offer(TrialRecord t)
        {
            if (t.Status == TrialStatus.Completed && t.Budget >= 1 && _constraints.All(c => c.Allows(t)) && (Best is null || t.Objective > Best.Objective)) Best = t;
        }
    }
}

/// <summary>One line of the progress table.</summary>
public sealed record TrialProgress(TrialRecord Trial, ParameterSet Parameters, TrialRecord? BestSoFar, bool Replayed);

public sealed record ExperimentSummary(ExperimentRecord Experiment, IReadOnlyList<TrialRecord> Trials, int TrialsRun, int TrialsReplayed, string StopReason)
{
    /// <summary>The best full-budget trial that meets the experiment's constraints.</summary>
    public TrialRecord? Best => Leaderboard.Best(Trials, Experiment.Definition.Constraints);
}
