namespace Workbook.AutoML.Tuners;

/// <summary>What a tuner asks the engine to run: a configuration at a budget fraction in (0, 1].</summary>
internal sealed record TrialRequest(ParameterSet Parameters, double Budget);

/// <summary>
/// Ask/tell tuner. A tuner is a deterministic function of its seed and the results it was told, which is what
/// lets the engine resume a killed run by replaying stored results (the tuner proposes the same trials again).
/// </summary>
internal interface ITuner
{
    string Name { get; }

    /// <summary>The next trial, or null when the tuner has nothing more to try.</summary>
    TrialRequest? Ask();

    /// <summary>The result of the last <see cref="Ask"/>; null when the trial failed (treated as the worst result).</summary>
    void Tell(TrialRequest request, TrialMetrics? metrics);

    /// <summary>False when proposals do not depend on results (random search): workers need not wait for running trials.</summary>
    bool UsesResults => true;
}

public static class TunerFactory
{
    public static readonly string[] Names = ["random", "halving", "cfo", "asha"];

    public const double DefaultChangeProbability = 0.2;

    /// <summary>
    /// Successive halving's shape: brackets of 27 configurations on 1/27 of the data, the best 9 on 1/9, 3 on 1/3 and
    /// the best 2 of those on all of it: 5 full trials' worth of work per 27
    /// configurations. Chosen by replaying 55 configurations per seed, each measured at every budget, through the
    /// candidate shapes (README, AutoML): the old 9 -> 3 -> 1 brackets on 1/9 and 1/3 cost 3 full trials per 9
    /// configurations, and with a single finalist the 1/3 rung picked between near-ties (0.0001 apart at full data)
    /// by chance.
    /// </summary>
    public static readonly HalvingShape DefaultHalvingShape = new(Eta: 3, Rungs: 4, BracketSize: 27, Finalists: 2);

    /// <summary>
    /// Asynchronous halving's rungs: 1/9, 1/3 and all of the data (eta 3), one rung fewer than <see cref="DefaultHalvingShape"/>.
    /// A trial's cost does not shrink with its share of the data below about 1/9: on cdiscount (two single-threaded
    /// workers, 4 seeds, 300 s each) a 1/27 trial took 1.09 s, 1/9 1.38 s, 1/3 2.7 s and a full one 6.45 s (the 0.5 s of
    /// scoring the validation products and the model's fixed set-up are paid at every rung), so the 1/27 rung took 45%
    /// of asha's time while costing 17% of a full trial each, not 4%, and asha reached all of the data only 12-15 times
    /// in 300 s (docs/BENCHMARKS.md, bench automl --workers). Since the decoder's threshold search sweeps (about 40% of a
    /// 1/9 trial before), one thread at load ~9 costs 0.55-0.68 CPU s on 1/27, 0.85-0.9 on 1/9, 1.9-2.0 on 1/3 and 5.2-5.4 on
    /// all of the data: 1/27 is now 11% of a full trial, but its validation hF1 is 0.69 for the default against 0.75 on
    /// 1/9 and 0.85 on all, a weak ranking signal, so the rungs stay.
    /// </summary>
    public const int DefaultAshaRungs = 3;

    /// <summary>Successive halving of <paramref name="shape"/>, sampling around <paramref name="defaults"/> when given.</summary>
    internal static SuccessiveHalvingTuner CreateHalving(SearchSpace space, int seed, ParameterSet? defaults, HalvingShape shape) =>
        new(space, seed, shape.Eta, shape.Rungs, shape.BracketSize, defaults, defaults is null ? null : DefaultChangeProbability, shape.Finalists);

    /// <summary>
    /// Every tuner evaluates <paramref name="defaults"/> at full budget among its first trials, so "tuned" includes the
    /// default (FLAML's points_to_evaluate): random search first, successive halving in its first bracket (reaching full
    /// budget only if it survives the rungs),
    /// cost-frugal search right after its cheap start, walking on from whichever of the two is better.
    /// With defaults, random search and successive halving sample around them (each knob redrawn with probability
    /// <see cref="DefaultChangeProbability"/>): the shipped defaults are already tuned, and on cdiscount every uniform
    /// sample of the classifier's space that changed most knobs at once lost to them.
    /// </summary>
    internal static ITuner Create(string name, SearchSpace space, int seed, ParameterSet? defaults = null) => name switch
    {
        "random" => new RandomSearchTuner(space, seed, defaults, defaults is null ? null : DefaultChangeProbability),
        "halving" => CreateHalving(space, seed, defaults, DefaultHalvingShape),
        "cfo" => new CostFrugalTuner(space, seed, pointsToEvaluate: defaults is null ? null : [defaults]),
        // Halving's eta without its brackets: promotions as soon as a rung has enough results.
        "asha" => new AsyncHalvingTuner(space, seed, DefaultHalvingShape.Eta, DefaultAshaRungs, defaults, defaults is null ? null : DefaultChangeProbability),
        _ => throw new ArgumentException($"Unknown tuner '{name}'; expected one of {string.Join(", ", Names)}."),
    };
}
