using Workbook.AutoML;
using Workbook.AutoML.Tuners;

namespace Workbook.Tests.AutoML;

public class HalvingShapeStudyTests
{
    // Synthetic trials "cost" their budget in seconds: SleepMs is 0, so the grid's measured seconds are replaced below.
    private static readonly SyntheticTrainable Trainable = new(new SyntheticOptions(Noise: 0.05));

    private static IReadOnlyList<BudgetGridCell> Grid(int configurations) =>
        HalvingShapeStudy.Measure(Trainable, seed: 5, configurations).Select(c => c with { Seconds = 10 * c.Budget }).ToList();

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
    public void A_replay_tells_the_tuner_what_a_live_run_would_and_adds_up_the_measured_seconds()
    {
        var grid = Grid(40);
        var shape = new HalvingShape(3, 4, 27, 2);
        var replay = HalvingShapeStudy.Replay(grid, HalvingShapeStudy.Tuner(shape, Trainable, 5), budgetSeconds: 1000);
        // Driving a fresh tuner by hand with live evaluations must ask for the same trials in the same order.
        var live = HalvingShapeStudy.Tuner(shape, Trainable, 5);
        var clock = 0.0;
        foreach (var (budget, objective, elapsed) in replay.Trials)
        {
            var r = live.Ask()!;
            var m = Trainable.Evaluate(r.Parameters, r.Budget, default);
            Assert.Equal(budget, r.Budget);
            Assert.Equal(m.Objective, objective);
            clock += 10 * budget;
            Assert.Equal(clock, elapsed, 9);
            live.Tell(r, m);
        }
        // One bracket is 27 + 9 + 3 + 2 trials costing 27/27 + 9/9 + 3/3 + 2 = 5 full trials (50 s here); the second
        // bracket's first rung runs configurations 28-40 and then asks for the 41st, which was not measured.
        Assert.True(replay.OutOfGrid);
        Assert.Equal(41 + 13, replay.Trials.Count);
        Assert.Equal(2, replay.Trials.Count(t => t.Budget >= 1));
        Assert.Equal(50 + 13 * 10.0 / 27, replay.Trials[^1].Elapsed, 9);
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
    public void Compare_gives_the_ratio_of_halvings_time_to_random_searchs_best_over_randoms()
    {
        var grid = Grid(45);
        var result = HalvingShapeStudy.Compare(grid, Trainable, 5, 300, HalvingShapeStudy.Shapes);
        var random = HalvingShapeStudy.Replay(grid, TunerFactory.Create("random", Trainable.Space, 5, Trainable.Defaults), 300);
        foreach (var (shape, ratio, _) in result)
        {
            var run = HalvingShapeStudy.Replay(grid, HalvingShapeStudy.Tuner(shape, Trainable, 5), 300);
            Assert.Equal(run.TimeToReach(random.Best!.Value.Objective) / random.Best!.Value.Elapsed, ratio);
        }
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
