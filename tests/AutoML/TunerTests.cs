using Workbook.AutoML;
using Workbook.AutoML.Tuners;

namespace Workbook.Tests.AutoML;

public class TunerTests
{
    /// <summary>Drives a tuner directly (no store) for <paramref name="trials"/> asks; returns what it asked and the best truth.</summary>
    private static (List<TrialRequest> Asked, double BestTruth) Drive(ITuner tuner, ITrainable trainable, int trials, Func<ParameterSet, double> truth)
    {
        var asked = new List<TrialRequest>();
        var best = double.NegativeInfinity;
        for (var i = 0; i < trials; i++)
        {
            var r = tuner.Ask()!;
            asked.Add(r);
            var m = trainable.Evaluate(r.Parameters, r.Budget, CancellationToken.None);
            if (r.Budget >= 1) best = Math.Max(best, truth(r.Parameters));
            tuner.Tell(r, m);
        }
        return (asked, best);
    }

    [Theory]
    [InlineData("random", 200)]
    [InlineData("halving", 200)]
    [InlineData("cfo", 200)]
    [InlineData("asha", 200)]
    public void Each_tuner_finds_the_quadratic_optimum_within_budget(string name, int trials)
    {
        var t = new QuadraticTrainable();
        // Start (the declared initial point) is at loss 0.49 + 1 = 1.49; the tolerance is 2% of that.
        var (_, best) = Drive(TunerFactory.Create(name, t.Space, 11), t, trials, QuadraticTrainable.Truth);
        Assert.True(best > -0.03, $"{name}: best truth {best:F4} after {trials} trials");
    }

    [Theory]
    [InlineData("random")]
    [InlineData("halving")]
    [InlineData("cfo")]
    [InlineData("asha")]
    public void Same_seed_same_trials_and_another_seed_differs(string name)
    {
        var t = new QuadraticTrainable();
        string Seq(int seed) => string.Join("|", Drive(TunerFactory.Create(name, t.Space, seed), t, 60, QuadraticTrainable.Truth)
            .Asked.Select(r => r.Parameters.Json + "@" + r.Budget));
        Assert.Equal(Seq(3), Seq(3));
        Assert.NotEqual(Seq(3), Seq(4));
    }

    [Fact]
    public void Cost_frugal_search_beats_random_search_on_the_five_parameter_synthetic_task()
    {
        // Median over seeds, so one lucky or unlucky seed cannot decide the test.
        var t = new SyntheticTrainable(new SyntheticOptions(Noise: 0.01));
        double Median(string tuner) => Workbook.Median.Of(Enumerable.Range(1, 5)
            .Select(s => Drive(TunerFactory.Create(tuner, t.Space, s), t, 300, SyntheticTrainable.Truth).BestTruth));
        var cfo = Median("cfo");
        var random = Median("random");
        Assert.True(cfo > -0.05, $"cfo median best truth {cfo:F4}");
        Assert.True(cfo > random, $"cfo {cfo:F4} vs random {random:F4}");
    }

    [Fact]
    public void Successive_halving_promotes_the_best_third_to_three_times_the_budget()
    {
        var space = new SearchSpace().Float("x", 0, 1);
        var tuner = new SuccessiveHalvingTuner(space, seed: 1, eta: 3, rungs: 3, bracketSize: 9);
        // Objective = x, except one configuration fails: it must never be promoted.
        var rung0 = new List<TrialRequest>();
        for (var i = 0; i < 9; i++)
        {
            var r = tuner.Ask()!;
            rung0.Add(r);
            tuner.Tell(r, i == 4 ? null : new TrialMetrics(r.Parameters.GetDouble("x")));
        }
        Assert.All(rung0, r => Assert.Equal(1.0 / 9, r.Budget, 12));
        Assert.Equal("""{"x":0}""", rung0[0].Parameters.Json); // the initial configuration is in the first bracket
        var expected1 = rung0.Where((_, i) => i != 4).OrderByDescending(r => r.Parameters.GetDouble("x")).Take(3).Select(r => r.Parameters.Json).ToList();

        var rung1 = new List<TrialRequest>();
        for (var i = 0; i < 3; i++)
        {
            var r = tuner.Ask()!;
            rung1.Add(r);
            // Reverse the order at this rung: the promotion must follow the new results, not the old ones.
            tuner.Tell(r, new TrialMetrics(-r.Parameters.GetDouble("x")));
        }
        Assert.Equal(expected1, rung1.Select(r => r.Parameters.Json));
        Assert.All(rung1, r => Assert.Equal(1.0 / 3, r.Budget, 12));

        var final = tuner.Ask()!;
        Assert.Equal(1.0, final.Budget);
        Assert.Equal(rung1.MinBy(r => r.Parameters.GetDouble("x"))!.Parameters, final.Parameters);
        tuner.Tell(final, new TrialMetrics(0));

        // Then a new bracket of fresh configurations at the smallest budget.
        var next = tuner.Ask()!;
        Assert.Equal(1.0 / 9, next.Budget, 12);
        Assert.DoesNotContain(next.Parameters.Json, rung0.Select(r => r.Parameters.Json));
    }

    [Fact]
    public void With_two_finalists_the_best_two_reach_the_full_budget_and_the_bracket_then_ends()
    {
        var space = new SearchSpace().Float("x", 0, 1);
        var tuner = new SuccessiveHalvingTuner(space, seed: 3, eta: 3, rungs: 4, bracketSize: 27, finalists: 2);
        var budgets = new List<double>();
        var byBudget = new Dictionary<double, List<TrialRequest>>();
        // One whole bracket: 27 + 9 + 3 + 2 trials, objective = x.
        for (var i = 0; i < 41; i++)
        {
            var r = tuner.Ask()!;
            budgets.Add(r.Budget);
            (byBudget.TryGetValue(r.Budget, out var list) ? list : byBudget[r.Budget] = []).Add(r);
            tuner.Tell(r, new TrialMetrics(r.Parameters.GetDouble("x")));
        }
        Assert.Equal([27, 9, 3, 2], byBudget.OrderBy(kv => kv.Key).Select(kv => kv.Value.Count));
        Assert.Equal([1.0 / 27, 1.0 / 9, 1.0 / 3, 1.0], byBudget.Keys.Order(), new ToleranceComparer());
        // The finalists are the best two of the 1/3 rung, which are the best two of the whole bracket here.
        var best2 = byBudget[byBudget.Keys.Min()].Select(r => r.Parameters.GetDouble("x")).OrderDescending().Take(2);
        Assert.Equal(best2, byBudget[1.0].Select(r => r.Parameters.GetDouble("x")).OrderDescending());
        Assert.Equal(1.0 / 27, tuner.Ask()!.Budget, 12); // a new bracket
    }

    private sealed class ToleranceComparer : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) < 1e-12;
        public int GetHashCode(double x) => 0;
    }

    [Fact]
    public void Cost_frugal_search_starts_cheap_and_halves_its_step_after_failures()
    {
        var space = new SearchSpace().Float("x", 0, 1, init: 0.5).Float("y", 0, 1, init: 0.5);
        var tuner = new CostFrugalTuner(space, seed: 1);
        var first = tuner.Ask()!;
        Assert.Equal(space.Initial(), first.Parameters);
        tuner.Tell(first, new TrialMetrics(10)); // nothing will beat this
        var step = tuner.Step;
        // d = 2: patience 2^(d-1) = 2 directions, each tried both ways, then the step halves.
        for (var i = 0; i < 4; i++)
        {
            var r = tuner.Ask()!;
            Assert.NotEqual(first.Parameters, r.Parameters);
            tuner.Tell(r, new TrialMetrics(0));
        }
        Assert.Equal(step / 2, tuner.Step, 12);
    }

    [Fact]
    public void Cost_frugal_search_tries_extra_points_second_and_walks_from_the_better_start()
    {
        var space = new SearchSpace().Float("x", 0, 1, init: 0);
        var fallback = space.Parse("""{"x":0.8}""");
        var tuner = new CostFrugalTuner(space, 3, pointsToEvaluate: [fallback]);
        var first = tuner.Ask()!;
        Assert.Equal(space.Initial(), first.Parameters);
        tuner.Tell(first, new TrialMetrics(0));
        var second = tuner.Ask()!;
        Assert.Equal(fallback, second.Parameters);
        tuner.Tell(second, new TrialMetrics(1));
        // The walk now starts from x = 0.8: its first move is one step (0.1) away from it, not from 0.
        var third = tuner.Ask()!;
        Assert.InRange(third.Parameters.GetDouble("x"), 0.69, 0.91);
    }
}
