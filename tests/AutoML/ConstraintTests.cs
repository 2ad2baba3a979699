using Workbook.AutoML;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.AutoML;

/// <summary>
/// Experiment constraints (<c>automl run --constraint "metric>=number"</c>): the best feasible trial wins, the
/// constraints are stored with the experiment and come back with it, and bad text is a clear error.
/// </summary>
public sealed class ConstraintTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("automl-constraints-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TrialRecord Trial(int number, double objective, double? speed, double budget = 1) =>
        new(number, $$"""{"n":{{number}}}""", budget,
            new TrialMetrics(objective, speed is { } s ? new Dictionary<string, double> { ["speed"] = s } : new Dictionary<string, double>()),
            1, TrialStatus.Completed, null, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_constraint_excludes_a_better_infeasible_trial_and_an_unmeasured_one()
    {
        // Trial 1 is the best but slow, trial 4 did not measure its speed, trial 5 is fast but on a subsample.
        TrialRecord[] trials = [Trial(1, 0.90, 31_000), Trial(2, 0.85, 53_000), Trial(3, 0.80, 60_000), Trial(4, 0.95, null), Trial(5, 0.99, 90_000, 0.3)];
        Assert.Equal([4, 1, 2, 3], Leaderboard.Rank(trials).Select(t => t.Number));
        Assert.Equal([2, 3], Leaderboard.Rank(trials, "speed>=50000").Select(t => t.Number));
        Assert.Equal(2, Leaderboard.Best(trials, "speed >= 50000")!.Number);
        var excluded = Leaderboard.Infeasible(trials, "speed>=50000");
        Assert.Equal([4, 1], excluded.Select(x => x.Trial.Number));
        Assert.Equal("speed not measured (needs >=50000)", excluded[0].Violations);
        Assert.Equal("speed 31000 (needs >=50000)", excluded[1].Violations);
        // Several constraints all apply; "objective" names the objective itself.
        Assert.Equal([3], Leaderboard.Rank(trials, "speed>=50000; objective<0.85").Select(t => t.Number));
        Assert.Null(Leaderboard.Best(trials, "speed>100000"));
    }

    [Fact]
    public void Constraints_are_stored_with_the_experiment_reloaded_and_steer_its_best()
    {
        var path = Path.Combine(_dir, "experiments.db");
        var t = new QuadraticTrainable();
        // The same seed proposes the same trials: a free run says which bound leaves its best trial out.
        double bound;
        using (var store = ExperimentStore.Open(path))
        {
            var free = new AutoMLExperiment(store, t).Run(AutoMLTasks.Define("free", t, "(none)", "{}", "random", 3, 600, 12));
            var truths = Leaderboard.Rank(free.Trials).Select(x => x.Metrics!.Values["truth"]).Distinct().OrderDescending().ToList();
            bound = Math.Round((truths[0] + truths[1]) / 2, 6);
        }
        var text = $" truth <= {bound.ToString(System.Globalization.CultureInfo.InvariantCulture)} ;objective>-10 ";
        var canonical = $"truth<={bound.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; objective>-10";
        var definition = AutoMLTasks.Define("constrained", t, "(none)", "{}", "random", 3, 600, 12, text);
        Assert.Equal(canonical, definition.Constraints);
        ExperimentSummary summary;
        using (var store = ExperimentStore.Open(path)) summary = new AutoMLExperiment(store, t).Run(definition);
        using (var store = ExperimentStore.Open(path))
        {
            var e = store.Get("constrained");
            Assert.Equal(canonical, e.Definition.Constraints);
            var trials = store.Trials(e.Id);
            var best = Leaderboard.Best(trials, e.Definition.Constraints)!;
            Assert.True(best.Metrics!.Values["truth"] <= bound);
            var truest = Leaderboard.Rank(trials).MaxBy(x => x.Metrics!.Values["truth"])!;
            Assert.DoesNotContain(truest.Number, Leaderboard.Rank(trials, e.Definition.Constraints).Select(x => x.Number));
            Assert.Contains(truest.Number, Leaderboard.Infeasible(trials, e.Definition.Constraints).Select(x => x.Trial.Number));
            Assert.Equal(best.Number, summary.Best!.Number);
            Assert.Equal(best.Number, Leaderboard.Summarise(e, trials).BestTrial);
            Assert.Equal("", store.Get("free").Definition.Constraints);
            // A resume under other constraints would judge the same trials otherwise: refused.
            var other = AutoMLTasks.Define("constrained", t, "(none)", "{}", "random", 3, 600, 12, "truth<=-0.1");
            Assert.Contains("constraints", Assert.Throws<ExperimentStoreException>(() => store.CreateOrOpen(other)).Message);
        }
    }

    [Theory]
    [InlineData("speed=>5")]
    [InlineData("speed>=fast")]
    [InlineData(">=5")]
    [InlineData("speed>=5; cost")]
    [InlineData("speed>=NaN")]
    public void Bad_constraint_text_is_a_clear_error(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => AutoMLTasks.Define("x", new QuadraticTrainable(), "(none)", "{}", "random", 1, 10, 3, text));
        Assert.Contains("is not of the form metric>=number", e.Message);
        Assert.Throws<ArgumentException>(() => Leaderboard.Rank([], text));
    }

    [Fact]
    public void The_cli_stores_a_constraint_shows_it_and_refuses_a_bad_one()
    {
        var store = Path.Combine(_dir, "cli.db");
        string[] synthetic = ["automl", "run", "--task", "synthetic", "--task-options", """{"SleepMs":0}""", "--tuner", "random", "--trials", "6",
            "--budget", "60", "--store", store, "--no-refit"];
        var bad = CliProcess.Run([.. synthetic, "--experiment", "bad", "--constraint", "truth=>0"]);
        CliProcess.AssertUserError(bad, "constraint 'truth=>0' is not of the form metric>=number");
        var run = CliProcess.Run([.. synthetic, "--experiment", "good", "--constraint", "truth<=-0.01", "--constraint", "objective>-100"]);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var show = CliProcess.Run(["automl", "show", "good", "--store", store]);
        Assert.True(show.ExitCode == 0, show.Stdout + show.Stderr);
        Assert.Contains("constraints: truth<=-0.01; objective>-100", show.Stdout);
        using var s = ExperimentStore.Open(store);
        var e = s.Get("good");
        Assert.Equal("truth<=-0.01; objective>-100", e.Definition.Constraints);
        Assert.Null(s.Find("bad"));
    }
}
