using Workbook.AutoML;
using Workbook.AutoML.Tuners;

namespace Workbook.Tests.AutoML;

public class HalvingShapeStudyTests
{
    // Synthetic trials "cost" their budget in seconds: SleepMs is 0, so the grid's measured seconds are replaced below.
    private static readonly SyntheticTrainable Trainable = new(new SyntheticOptions(Noise: 0.05));

    private static IReadOnlyList<BudgetGridCell> Grid(int configurations, int seed = 5) =>
        HalvingShapeStudy.Measure(Trainable, seed, configurations).Select(c => c with { Seconds = 10 * c.Budget }).ToList();

    [Fact]
    public void The_grid_holds_random_searchs_configurations_at_every_budget_with_the_live_objective()
    {
        var grid = Grid(12);
        Assert.Equal(12 * HalvingShapeStudy.Budgets.Length, grid.Count);
        var random = TunerFactory.Create("random", Trainable.Space, 5, Trainable.Defaults);
        foreach (var config in grid.GroupBy(c => c.Configuration).OrderBy(g => g.Key))
        {
            var asked = random.Ask()!;
            Assert.All(config, c => Assert.Equal(asked.Parameters.Json, c.ParamsJson));
            Assert.Equal(HalvingShapeStudy.Budgets, config.Select(c => c.Budget));
            Assert.All(config, c => Assert.Equal(Trainable.Evaluate(asked.Parameters, c.Budget, default).Objective, c.Objective));
        }
    }

    [Fact]
    public void A_replay_asks_what_a_hand_driven_tuner_asks_and_adds_up_the_measured_seconds()
    {
        var grid = Grid(40);
        var shape = new HalvingShape(3, 4, 27, 2);
        var replay = HalvingShapeStudy.Replay(grid, HalvingShapeStudy.Tuner(shape, Trainable, 5), budgetSeconds: 1000);
        // Driving a fresh tuner by hand with live evaluations must ask for the same trials in the same order.
        var live = HalvingShapeStudy.Tuner(shape, Trainable, 5);
        var clock = 0.0;
        var done = new Dictionary<(string, double), TrialMetrics>();
        foreach (var (budget, objective, elapsed) in replay.Trials)
        {
            var r = live.Ask()!;
            // A repeated configuration is told its result again without a trial, as the engine does.
            for (; done.TryGetValue((r.Parameters.Json, r.Budget), out var again); r = live.Ask()!) live.Tell(r, again);
            var m = done[(r.Parameters.Json, r.Budget)] = Trainable.Evaluate(r.Parameters, r.Budget, default);
            Assert.Equal(budget, r.Budget);
            Assert.Equal(m.Objective, objective);
            clock += 10 * budget;
            Assert.Equal(clock, elapsed, 9);
            live.Tell(r, m);
        }
        // One bracket is 27 + 9 + 3 + 2 trials costing 27/27 + 9/9 + 3/3 + 2 = 5 full trials (50 s here); the second
        // bracket's first rung runs configurations 28-40 and then asks for the 41st, which was not measured.
        Assert.True(replay.OutOfGrid);
        Assert.Equal(2, replay.Trials.Count(t => t.Budget >= 1));
    }

    [Fact]
    public void A_time_budget_cuts_the_trial_that_would_end_past_it()
    {
        var grid = Grid(10);
        var replay = HalvingShapeStudy.Replay(grid, TunerFactory.Create("random", Trainable.Space, 5, Trainable.Defaults), budgetSeconds: 35);
        Assert.Equal(3, replay.Trials.Count); // 10 s each: the fourth would end at 40 s
        Assert.False(replay.OutOfGrid);
        Assert.Equal(30, replay.Trials[^1].Elapsed, 9);
    }

    [Fact]
    public void Time_to_reach_counts_only_full_budget_trials()
    {
        var run = new ReplayedRun([(1.0 / 9, 0.9, 1), (1.0, 0.5, 11), (1.0 / 3, 0.95, 14), (1.0, 0.8, 24)], false);
        Assert.Equal(24, run.TimeToReach(0.7));
        Assert.Equal(11, run.TimeToReach(0.5));
        Assert.Null(run.TimeToReach(0.85));
        Assert.Equal((0.8, 24), run.Best);
    }

    [Fact]
    public void Compare_gives_halvings_time_to_random_searchs_best_over_randoms_on_a_grid_with_a_known_answer()
    {
        // Configuration 20 is the only good one, at every budget; each trial costs 10 s times its budget. Random search
        // reaches it with its 21st trial, after 210 s. Halving (27 from 1/27, 2 finalists) runs 27 trials of 10/27 s,
        // 9 of 10/9 s and 3 of 10/3 s (30 s), and configuration 20 is its first finalist: 40 s.
        // One continuous knob: samples never repeat (a repeat would be free, which the sums below leave out).
        var line = new OneKnobTrainable();
        var grid = HalvingShapeStudy.Measure(line, seed: 5, configurations: 45)
            .Select(c => c with { Seconds = 10 * c.Budget, Objective = c.Configuration == 20 ? 1 : 0 }).ToList();
        Assert.Equal(45, grid.Select(c => c.ParamsJson).Distinct().Count());
        var result = HalvingShapeStudy.Compare(grid, line, 5, 300, [new HalvingShape(3, 4, 27, 2), new HalvingShape(3, 3, 9, 1)]);
        Assert.Equal(40.0 / 210, result[0].Ratio!.Value, 9);
        // Brackets of 9 from 1/9: configuration 20 is in the third bracket, each costing 9/9 + 3/3 + 1 = 3 full trials.
        Assert.Equal(90.0 / 210, result[1].Ratio!.Value, 9);
    }

    [Fact]
    public void Compare_refuses_a_grid_that_random_search_runs_past_within_the_budget()
    {
        var error = Assert.Throws<InvalidOperationException>(() => HalvingShapeStudy.Compare(Grid(12), Trainable, 5, 300, HalvingShapeStudy.Shapes));
        Assert.Contains("measure more configurations", error.Message);
    }

    private sealed class OneKnobTrainable : ITrainable
    {
        public string Task => "one-knob";
        public string Objective => "x";
        public SearchSpace Space { get; } = new SearchSpace().Float("x", 0, 1, init: 0.5);
        public string DataHash => "none";
        public ParameterSet Defaults => Space.Initial();
        public TrialMetrics Evaluate(ParameterSet parameters, double budget, CancellationToken cancellation) => new(parameters.GetDouble("x"));
        public TrialMetrics Test(ParameterSet parameters, CancellationToken cancellation) => throw new NotSupportedException();
        public TrialMetrics FitFinalAndSave(ParameterSet parameters, string modelPath, CancellationToken cancellation) => throw new NotSupportedException();
    }

    /// <summary>Asks for a fixed list of trials.</summary>
    private sealed class ScriptedTuner(IEnumerable<TrialRequest> script) : ITuner
    {
        private readonly Queue<TrialRequest> _script = new(script);
        public List<TrialMetrics?> Told { get; } = [];
        public string Name => "scripted";
        public TrialRequest? Ask() => _script.TryPeek(out var r) ? r : null;
        public void Tell(TrialRequest request, TrialMetrics? metrics) { _script.Dequeue(); Told.Add(metrics); }
    }

    [Fact]
    public void A_replay_charges_nothing_for_a_repeated_trial_and_tells_a_failed_measurement_as_a_failure_like_the_engine()
    {
        var grid = Grid(3).ToList();
        var failed = grid.First(c => c.Configuration == 2 && c.Budget == 1);
        grid[grid.IndexOf(failed)] = failed with { Objective = double.NaN };
        var p = grid.Where(c => c.Budget == 1).OrderBy(c => c.Configuration).Select(c => Trainable.Space.Parse(c.ParamsJson)).ToList();
        var tuner = new ScriptedTuner([new(p[0], 1), new(p[1], 1), new(p[0], 1), new(p[2], 1)]);
        var run = HalvingShapeStudy.Replay(grid, tuner, 1000);
        Assert.Equal([10.0, 20, 30], run.Trials.Select(t => t.Elapsed)); // the repeat of p[0] took no time and no trial
        Assert.Equal(tuner.Told[0]!.Objective, tuner.Told[2]!.Objective);
        Assert.Null(tuner.Told[3]);
    }

    [Fact]
    public void A_grid_grows_by_measuring_only_the_new_configurations_and_refuses_another_seeds_grid()
    {
        // Mark the known cells so that keeping them (not measuring them again) shows.
        var known = Grid(3).Select(c => c with { Objective = 123 }).ToList();
        var grown = HalvingShapeStudy.Measure(Trainable, seed: 5, configurations: 5, known: known);
        Assert.Equal(5 * HalvingShapeStudy.Budgets.Length, grown.Count);
        Assert.All(grown.Where(c => c.Configuration < 3), c => Assert.Equal(123, c.Objective));
        Assert.All(grown.Where(c => c.Configuration >= 3), c => Assert.NotEqual(123, c.Objective));
        Assert.Equal(Grid(5).Select(c => c.ParamsJson), grown.Select(c => c.ParamsJson));
        var error = Assert.Throws<InvalidDataException>(() => HalvingShapeStudy.Measure(Trainable, seed: 6, configurations: 5, known: known));
        Assert.Contains("configuration 1", error.Message);
    }

    [Fact]
    public void A_grid_survives_a_round_trip_through_its_file()
    {
        var grid = Grid(3);
        var path = Path.Combine(Path.GetTempPath(), $"grid-{Guid.NewGuid():N}.csv");
        try
        {
            HalvingShapeStudy.Save(grid, path);
            Assert.Equal(grid, HalvingShapeStudy.Load(path));
        }
        finally { File.Delete(path); }
    }
}
