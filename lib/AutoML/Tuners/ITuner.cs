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
    /// Asynchronous halving's shape: two rungs, 1/9 of the data and all of it (eta 9: the top ninth of the 1/9 results
    /// goes on). A trial's cost does not shrink with its share of the data below about 1/9 (validation scoring and the
    /// model's set-up are paid at every rung), so 1/27 is not a rung. Three rungs with eta 3 (1/9, 1/3, 1), the shape
    /// before, carried random search's best configuration up every rung without a miss on germeval, but its chain of
    /// trials (its own 1/9 and 1/3 trials on top of the full one both tuners pay) held asha at 0.52-0.56 of random's
    /// time on all four seeds at 180 s, 0.51-0.80 at 60 s; the 1/3 rung costs about a third of a full trial per
    /// configuration it takes. Random's five best configurations sat in the top 1-12% of asha's 1/9 results there (the
    /// best in the top 1-4%), so a ninth keeps nearly all of them. Chosen on those four seeds at 60 s (ratio 0.38-0.60,
    /// from 0.51-0.80), confirmed on four others at 180 s: 0.35, 0.47, 0.49 and 0.66. On cdiscount the 1/9 rung ranks
    /// near-ties (within 0.001 of the default) poorly under either shape (docs/BENCHMARKS.md, bench automl --workers).
    /// </summary>
    public const int DefaultAshaEta = 9, DefaultAshaRungs = 2;

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
        "asha" => new AsyncHalvingTuner(space, seed, DefaultAshaEta, DefaultAshaRungs, defaults, defaults is null ? null : DefaultChangeProbability),
        _ => throw new ArgumentException($"Unknown tuner '{name}'; expected one of {string.Join(", ", Names)}."),
    };
}
