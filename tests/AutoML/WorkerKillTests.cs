using System.Diagnostics;
using Workbook.AutoML;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.AutoML;

/// <summary>
/// Three real CLI processes on one experiment (`automl run` and two `automl worker`), on a SQLite file and on a
/// PostgreSQL schema; one worker is killed with kill -9 in the middle of a trial. Every trial number appears once,
/// the killed trial is rerun by another worker under its own number, and `automl show` prints what the store holds.
/// </summary>
public sealed class WorkerKillTests : IDisposable
{
    private readonly TestStores _stores = new();
    private string Dir => _stores.Dir;

    public void Dispose() => _stores.Dispose();

    private const int Trials = 24;
    private const string Options = """{"SleepMs":500}""";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Three_worker_processes_one_killed_mid_trial_every_trial_once_the_killed_one_reclaimed(string backend)
    {
        var store = _stores.Store(backend);
        string[] common = ["--store", store, "--heartbeat-timeout", "5"];
        var processes = new List<Process>
        {
            CliProcess.Start(["automl", "run", "--task", "synthetic", "--task-options", Options, "--tuner", "random", "--seed", "5",
                "--experiment", "shared", "--trials", $"{Trials}", "--budget", "600", "--no-refit", .. common]),
        };
        var outputs = new List<(Task<string> Out, Task<string> Err)>();
        void Watch(Process p) => outputs.Add((p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync()));
        Watch(processes[0]);
        try
        {
            // The workers join once `run` has created the experiment.
            Until(() => Trials_(store).Count > 0, processes[0], outputs[0]);
            for (var i = 0; i < 2; i++)
            {
                processes.Add(CliProcess.Start(["automl", "worker", "shared", .. common]));
                Watch(processes[^1]);
            }
            // Kill a worker (not the run) during one of its trials, once the three are sharing the work.
            var victims = processes.Skip(1).ToDictionary(p => p.Id);
            TrialRecord? victimTrial = null;
            Until(() =>
            {
                var trials = Trials_(store);
                victimTrial = trials.FirstOrDefault(t => t.Status == TrialStatus.Running && PidOf(t) is { } pid && victims.ContainsKey(pid)
                                                         && DateTimeOffset.UtcNow - t.Started < TimeSpan.FromMilliseconds(250));
                return victimTrial is not null && trials.Count(t => t.Status == TrialStatus.Completed) >= 4;
            }, processes[0], outputs[0]);
            var victim = victims[PidOf(victimTrial!)!.Value];
            victim.Kill(); // SIGKILL: no finally blocks, no heartbeat, no cleanup
            victim.WaitForExit();
            Assert.Equal(TrialStatus.Running, Trials_(store).Single(t => t.Number == victimTrial!.Number).Status); // killed inside the trial

            foreach (var (p, i) in processes.Select((p, i) => (p, i)).Where(x => x.p != victim))
            {
                Assert.True(p.WaitForExit(TimeSpan.FromSeconds(120)), $"process {i} did not finish");
                Assert.True(p.ExitCode == 0, $"process {i}: exit {p.ExitCode}\n{outputs[i].Out.Result}\n{outputs[i].Err.Result}");
            }

            var all = Trials_(store);
            Assert.Equal(Enumerable.Range(1, Trials), all.Select(t => t.Number)); // every number once
            Assert.All(all, t => Assert.Equal(TrialStatus.Completed, t.Status));
            var reclaimed = all.Single(t => t.Number == victimTrial!.Number);
            Assert.Equal(2, reclaimed.Attempts);
            Assert.NotEqual(victimTrial!.Worker, reclaimed.Worker);
            Assert.Equal(victimTrial.ParamsJson, reclaimed.ParamsJson);
            // The two surviving processes shared the work (the victim may have been killed in its first trial).
            Assert.True(all.Select(t => t.Worker).Distinct().Count() >= 2, string.Join(", ", all.Select(t => t.Worker).Distinct()));
            Assert.Equal(1, all.Count(t => t.Attempts > 1));

            // Random search's trial n is its n-th draw whoever ran it: the trials of one uninterrupted worker.
            var t0 = new SyntheticTrainable(SyntheticTrainable.ParseOptions(Options) with { SleepMs = 0 });
            using (var reference = ExperimentStore.Open(Path.Combine(Dir, "reference.db")))
            {
                var whole = new AutoMLExperiment(reference, t0).Run(AutoMLTasks.Define("ref", t0, "(none)", "{}", "random", 5, 600, Trials));
                Assert.Equal(whole.Trials.Select(t => t.ParamsJson), all.Select(t => t.ParamsJson));
            }

            // The leaderboard `show` prints is the store's trials ranked.
            var show = CliProcess.Run(["automl", "show", "shared", "--top", "100", "--store", store], timeout: TimeSpan.FromSeconds(60));
            Assert.True(show.ExitCode == 0, show.Stdout + show.Stderr);
            var shown = show.Stdout.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries))
                .Where(c => c.Length > 3 && int.TryParse(c[1], out _) && int.TryParse(c[2], out _))
                .Select(c => int.Parse(c[2])).ToList();
            Assert.Equal(Leaderboard.Rank(all).Select(t => t.Number), shown);
            Assert.Equal(Trials, shown.Count);
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited) p.Kill();
                p.Dispose();
            }
        }
    }

    private static int? PidOf(TrialRecord t) => t.Worker?.Split('/') is [_, var pid, _] && int.TryParse(pid, out var n) ? n : null;

    private static IReadOnlyList<TrialRecord> Trials_(string store)
    {
        try
        {
            using var s = ExperimentStore.Open(store);
            return s.Find("shared") is { } e ? s.Trials(e.Id) : [];
        }
        catch (ExperimentStoreException) { return []; } // (not created yet)
    }

    private static void Until(Func<bool> condition, Process run, (Task<string> Out, Task<string> Err) output)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (run.HasExited) Assert.Fail($"automl run ended early: {output.Out.Result}\n{output.Err.Result}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), "no progress from the workers");
            Thread.Sleep(20);
        }
    }
}
