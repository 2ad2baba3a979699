namespace Workbook.AutoML.Tuners;

/// <summary>
/// Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys
/// 2020). Rungs as in <see cref="SuccessiveHalvingTuner"/> (budget <c>eta^(r - (rungs-1))</c> of the data), but no
/// bracket barrier: whenever a worker asks, the highest rung with a promotable configuration wins, where a
/// configuration is promotable when it is among the top <c>floor(n/eta)</c> of the <c>n</c> results its rung has so far
/// and has not been promoted yet; with nothing to promote a new configuration starts on the lowest rung. Failed
/// trials count as the worst result and are never promoted.
/// <para>The next trial is a function of the seed and the trials the store holds (pending ones included), so any
/// worker computes the same one under the store's lock and a resume continues from the recorded trials. With one
/// worker it is also an ordinary ask/tell tuner (<see cref="Ask"/> looks at what it was told).</para>
/// </summary>
internal sealed class AsyncHalvingTuner : ITuner
{
    private readonly SearchSpace _space;
    private readonly Random _random;
    private readonly HalvingRungs _rungs;
    private readonly ParameterSet _start;
    private readonly double? _changeProbability;
    private readonly List<ParameterSet> _samples = [];
    private readonly HashSet<string> _sampled = [];
    private readonly List<TrialRecord> _told = [];

    public AsyncHalvingTuner(SearchSpace space, int seed, int eta = 3, int rungs = 4, ParameterSet? start = null, double? changeProbability = null)
    {
        _rungs = new HalvingRungs(eta, rungs);
        _space = space;
        _random = new Random(seed);
        _start = start ?? space.Initial();
        _changeProbability = changeProbability;
    }

    public string Name => "asha";

    /// <summary>Budget fraction of rung <paramref name="rung"/> (0 = cheapest).</summary>
    public double BudgetOf(int rung) => _rungs.BudgetOf(rung);

    public TrialRequest? Ask() => Next(_told);

    public void Tell(TrialRequest request, TrialMetrics? metrics) =>
        _told.Add(new TrialRecord(_told.Count + 1, request.Parameters.Json, request.Budget, metrics, 0,
            metrics is null ? TrialStatus.Failed : TrialStatus.Completed, null, 1, DateTimeOffset.UnixEpoch, null));

    /// <summary>The next trial given every trial so far (completed, failed, running or killed).</summary>
    public TrialRequest Next(IReadOnlyList<TrialRecord> trials)
    {
        var byRung = new List<TrialRecord>[_rungs.Count];
        for (var r = 0; r < _rungs.Count; r++) byRung[r] = [];
        foreach (var t in trials)
            if (_rungs.RungOf(t.Budget) is var r and >= 0) byRung[r].Add(t);

        // Highest rung first: finishing good configurations beats starting new ones.
        for (var k = _rungs.Count - 2; k >= 0; k--)
        {
            var results = byRung[k].Where(t => t.Status is TrialStatus.Completed or TrialStatus.Failed)
                .OrderByDescending(t => t.Status == TrialStatus.Completed ? t.Objective ?? double.NegativeInfinity : double.NegativeInfinity)
                .ThenBy(t => t.Number).ToList();
            var above = byRung[k + 1].Select(t => t.ParamsJson).ToHashSet(StringComparer.Ordinal);
            // Ties go to the earlier trial, so every worker (and a resume) makes the same choice.
            var promote = results.Take(results.Count / _rungs.Eta)
                .FirstOrDefault(t => t.Status == TrialStatus.Completed && !above.Contains(t.ParamsJson));
            if (promote is not null) return new TrialRequest(_space.Parse(promote.ParamsJson), BudgetOf(k + 1));
        }
        return new TrialRequest(Sample(byRung[0].Count), BudgetOf(0));
    }

    /// <summary>The <paramref name="index"/>-th configuration of the lowest rung: the start first, then draws from the seeded stream, each new.</summary>
    private ParameterSet Sample(int index)
    {
        while (_samples.Count <= index)
        {
            var p = _samples.Count == 0 ? _start : Draw();
            // A space with choices and integers repeats itself: a configuration already started is drawn again (bounded).
            for (var tries = 0; tries < 100 && _sampled.Contains(p.Json); tries++) p = Draw();
            _sampled.Add(p.Json);
            _samples.Add(p);
        }
        return _samples[index];
    }

    private ParameterSet Draw() => _changeProbability is { } q ? _space.SampleNear(_start, q, _random) : _space.Sample(_random);
}
