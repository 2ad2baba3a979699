using Workbook.AutoML;
using Workbook.AutoML.Tuners;

namespace Workbook.Tests.AutoML;

public class SelectionTests
{
    /// <summary>Items 0..n-1; the first <paramref name="correct"/> are right (1 of 1 label), the rest wrong.</summary>
    private static F1Counts[] Items(int n, int correct, int offset = 0) =>
        Enumerable.Range(0, n).Select(i => (i - offset + n) % n < correct ? new F1Counts(1, 1, 1) : new F1Counts(0, 1, 1)).ToArray();

    [Fact]
    public void Paired_bootstrap_tells_a_real_difference_from_a_single_lucky_item()
    {
        var incumbent = Items(2000, 1600);
        Assert.Equal(0.5, PairedBootstrap.ProbabilityBetter(incumbent, incumbent));
        Assert.True(PairedBootstrap.ProbabilityBetter(Items(2000, 1700), incumbent) > 0.99);
        Assert.True(PairedBootstrap.ProbabilityBetter(incumbent, Items(2000, 1700)) < 0.01);
        // One more right item out of 2000: it wins whenever a resample draws it (1 - e^-1 of the time), ties otherwise.
        Assert.InRange(PairedBootstrap.ProbabilityBetter(Items(2000, 1601), incumbent), 0.75, 0.88);
        // Same accuracy on different items is no evidence either way.
        Assert.InRange(PairedBootstrap.ProbabilityBetter(Items(2000, 1600, offset: 100), incumbent), 0.35, 0.65);
        Assert.Equal(0.8, F1Counts.F1(incumbent), 12);
        Assert.Throws<ArgumentException>(() => PairedBootstrap.ProbabilityBetter(Items(10, 5), Items(11, 5)));
    }

    [Fact]
    public void The_best_trial_replaces_the_default_only_when_it_is_convincingly_better()
    {
        // Accuracy is the parameter: the default (0.8) against a lucky-looking 0.8005 and a real 0.85.
        var t = new AccuracyTrainable();
        TrialRecord Trial(int number, double accuracy) => AccuracyTrial(t, number, accuracy);
        var lucky = ConfigurationSelection.Choose(t, [Trial(1, 0.8), Trial(2, 0.8005)]);
        Assert.True(lucky.IsDefault, lucky.Reason);
        Assert.Equal(t.Defaults, lucky.Parameters);
        Assert.Equal(2, lucky.BestTrial!.Number); // it was the best on validation, and still not taken
        Assert.InRange(lucky.ProbabilityBetterThanDefault!.Value, 0.5, ConfigurationSelection.RequiredConfidence);
        var real = ConfigurationSelection.Choose(t, [Trial(1, 0.8), Trial(2, 0.85), Trial(3, 0.7)]);
        Assert.False(real.IsDefault, real.Reason);
        Assert.Equal(0.85, real.Parameters.GetDouble("accuracy"));
        Assert.True(real.ProbabilityBetterThanDefault > 0.99);
        // The default may not be among the trials (a tuner that never tried it): it is evaluated for the comparison.
        Assert.True(ConfigurationSelection.Choose(t, [Trial(1, 0.8004)]).IsDefault);
        Assert.True(ConfigurationSelection.Choose(t, []).IsDefault);
    }

    [Fact]
    public void Under_constraints_the_best_feasible_trial_is_selected_and_an_infeasible_default_is_no_fallback()
    {
        // The cost of a configuration is 100 x its accuracy: the best trial (0.9) costs 90.
        var t = new AccuracyTrainable();
        TrialRecord Trial(int number, double accuracy) => AccuracyTrial(t, number, accuracy);
        TrialRecord[] trials = [Trial(1, 0.8), Trial(2, 0.85), Trial(3, 0.9)];
        Assert.Equal(0.9, ConfigurationSelection.Choose(t, trials).Parameters.GetDouble("accuracy"));
        var capped = ConfigurationSelection.Choose(t, trials, constraints: "cost<=86");
        Assert.False(capped.IsDefault, capped.Reason);
        Assert.Equal(2, capped.BestTrial!.Number);
        Assert.Equal(0.85, capped.Parameters.GetDouble("accuracy"));
        // The default (trial 1, cost 80) breaks a floor: the best feasible trial is taken without a bootstrap against it.
        var floor = ConfigurationSelection.Choose(t, trials, constraints: "cost>=84; cost<=86");
        Assert.Equal(0.85, floor.Parameters.GetDouble("accuracy"));
        Assert.Contains("the default (trial 1) breaks the constraints (cost 80 (needs >=84))", floor.Reason);
        // Nothing feasible: the default, saying why.
        var none = ConfigurationSelection.Choose(t, trials, constraints: "cost<=10");
        Assert.True(none.IsDefault);
        Assert.Contains("no completed full-budget trial meets cost<=10", none.Reason);
    }

    [Fact]
    public void Every_tuner_tries_the_default_early()
    {
        var space = new SearchSpace().Float("x", 0, 1, init: 0).Float("y", 0, 1, init: 0);
        var defaults = space.Parse("""{"x":0.7,"y":0.2}""");
        foreach (var name in TunerFactory.Names)
        {
            var tuner = TunerFactory.Create(name, space, 5, defaults);
            var asked = new List<ParameterSet>();
            for (var i = 0; i < 2; i++)
            {
                var r = tuner.Ask()!;
                asked.Add(r.Parameters);
                tuner.Tell(r, new TrialMetrics(0));
            }
            Assert.Contains(defaults, asked);
        }
    }

    private static TrialRecord AccuracyTrial(AccuracyTrainable t, int number, double accuracy)
    {
        var p = t.Space.Parse($$"""{"accuracy":{{accuracy.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""");
        return new TrialRecord(number, p.Json, 1, t.Evaluate(p, 1, CancellationToken.None), 1, TrialStatus.Completed, null, 1,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
    }

    /// <summary>A configuration is its validation accuracy on 2000 items; the default is 0.8.</summary>
    private sealed class AccuracyTrainable : ITrainable, IPairedValidation
    {
        private const int N = 2000;
        public string Task => "synthetic";
        public string Objective => "accuracy";
        public SearchSpace Space { get; } = new SearchSpace().Float("accuracy", 0, 1, init: 0.8);
        public string DataHash => "accuracy";
        public ParameterSet Defaults => Space.Initial();

        public TrialMetrics Evaluate(ParameterSet parameters, double budget, CancellationToken cancellation) =>
            new(F1Counts.F1(Counts(parameters)), new Dictionary<string, double> { ["cost"] = Math.Round(parameters.GetDouble("accuracy") * 100, 6) });

        public IReadOnlyList<F1Counts> ValidationCounts(ParameterSet parameters, CancellationToken cancellation) => Counts(parameters);

        private static F1Counts[] Counts(ParameterSet p) => Items(N, (int)Math.Round(p.GetDouble("accuracy") * N));

        public TrialMetrics Test(ParameterSet parameters, CancellationToken cancellation) => Evaluate(parameters, 1, cancellation);
        public TrialMetrics FitFinalAndSave(ParameterSet parameters, string modelPath, CancellationToken cancellation) => Test(parameters, cancellation);
    }
}
