namespace Workbook.AutoML.Tuners;

/// <summary>Independent samples from the space at full budget; the first trial is <paramref name="start"/> (default: the space's initial point).</summary>
public sealed class RandomSearchTuner(SearchSpace space, int seed, ParameterSet? start = null) : ITuner
{
    private readonly Random _random = new(seed);
    private bool _first = true;

    public string Name => "random";

    public TrialRequest? Ask()
    {
        // Starting from the declared initial point makes "tuned vs default" comparisons include the default itself.
        if (_first) { _first = false; return new TrialRequest(start ?? space.Initial(), 1.0); }
        return new TrialRequest(space.Sample(_random), 1.0);
    }

    public void Tell(TrialRequest request, TrialMetrics? metrics) { }
}
