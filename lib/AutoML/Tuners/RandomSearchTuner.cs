namespace Workbook.AutoML.Tuners;

/// <summary>
/// Independent samples at full budget; the first trial is <paramref name="start"/> (default: the space's initial
/// point). With <paramref name="changeProbability"/> the samples come from a prior centred on the start (each knob
/// redrawn with that probability, <see cref="SearchSpace.SampleNear"/>), otherwise uniformly from the space.
/// </summary>
internal sealed class RandomSearchTuner(SearchSpace space, int seed, ParameterSet? start = null, double? changeProbability = null) : ITuner
{
    private readonly Random _random = new(seed);
    private bool _first = true;

    public string Name => "random";

    public TrialRequest? Ask()
    {
        // Starting from the declared initial point makes "tuned vs default" comparisons include the default itself.
        if (_first) { _first = false; return new TrialRequest(start ?? space.Initial(), 1.0); }
        return new TrialRequest(changeProbability is { } q ? space.SampleNear(start ?? space.Initial(), q, _random) : space.Sample(_random), 1.0);
    }

    public void Tell(TrialRequest request, TrialMetrics? metrics) { }

    public bool UsesResults => false;
}
