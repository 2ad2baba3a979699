namespace Workbook.AutoML.Tuners;

/// <summary>A successive-halving shape: <see cref="SuccessiveHalvingTuner"/>'s eta, rungs, bracket size and finalists.</summary>
public sealed record HalvingShape(int Eta, int Rungs, int BracketSize, int Finalists)
{
    public override string ToString() =>
        $"eta {Eta}, {Rungs} rungs from 1/{Math.Pow(Eta, Rungs - 1):0}, brackets of {BracketSize}, {Finalists} finalist{(Finalists == 1 ? "" : "s")}";
}

/// <summary>The rungs of successive halving: rung <c>r</c> of <c>Count</c> trains on <c>Eta^(r - (Count-1))</c> of the data.</summary>
internal readonly record struct HalvingRungs
{
    public HalvingRungs(int eta, int count)
    {
        if (eta < 2) throw new ArgumentException("eta must be at least 2.");
        if (count < 1) throw new ArgumentException("rungs must be at least 1.");
        (Eta, Count) = (eta, count);
    }

    public int Eta { get; }
    public int Count { get; }

    public double BudgetOf(int rung) => Math.Pow(Eta, rung - (Count - 1));

    /// <summary>The rung a budget belongs to; -1 when it is none of these.</summary>
    public int RungOf(double budget)
    {
        for (var r = 0; r < Count; r++)
            if (Math.Abs(budget - BudgetOf(r)) <= 1e-9 * BudgetOf(r)) return r;
        return -1;
    }
}

/// <summary>
/// Synchronous successive halving (Jamieson and Talwalkar 2016), repeated in brackets: <c>n</c> random configurations
/// run on a <c>1/eta^(rungs-1)</c> subsample, the best <c>1/eta</c> are promoted to <c>eta</c> times the data, until
/// the survivors run on all of it; then a new bracket starts. Cheap trials weed out bad regions so the full-data
/// trials go to promising configurations. <c>finalists</c> (default 1) is how many at least are promoted into the
/// full-budget rung (never more than the rung below it holds): when the best candidates differ by less than the
/// validation noise, the last rung below full data picks between them almost by chance, and one more full trial per
/// bracket is cheaper than a missed winner.
/// </summary>
internal sealed class SuccessiveHalvingTuner : ITuner
{
    private readonly SearchSpace _space;
    private readonly Random _random;
    private readonly int _eta;
    private readonly int _rungs;
    private readonly int _bracketSize;
    private readonly int _finalists;
    private readonly HalvingRungs _ladder;

    private List<ParameterSet> _rung = [];
    private readonly List<(int Index, double Score)> _results = [];
    private int _rungIndex;
    private int _next;
    private int _bracket;

    private readonly ParameterSet _start;

    private readonly double? _changeProbability;

    /// <param name="changeProbability">When set, brackets draw their configurations from a prior centred on
    /// <paramref name="start"/> (<see cref="SearchSpace.SampleNear"/>) instead of uniformly.</param>
    public SuccessiveHalvingTuner(SearchSpace space, int seed, int eta = 3, int rungs = 3, int? bracketSize = null, ParameterSet? start = null,
        double? changeProbability = null, int finalists = 1)
    {
        if (finalists < 1) throw new ArgumentException("finalists must be at least 1.");
        _finalists = finalists;
        _changeProbability = changeProbability;
        _start = start ?? space.Initial();
        _ladder = new HalvingRungs(eta, rungs);
        _space = space;
        _random = new Random(seed);
        _eta = eta;
        _rungs = rungs;
        _bracketSize = bracketSize ?? (int)Math.Pow(eta, rungs - 1);
        if (_bracketSize < 1) throw new ArgumentException("bracketSize must be positive.");
        StartBracket();
    }

    public string Name => "halving";

    /// <summary>Budget fraction of rung <paramref name="rung"/> (0 = cheapest).</summary>
    public double BudgetOf(int rung) => _ladder.BudgetOf(rung);

    public TrialRequest? Ask() => new(_rung[_next], BudgetOf(_rungIndex));

    public void Tell(TrialRequest request, TrialMetrics? metrics)
    {
        _results.Add((_next, metrics?.Objective ?? double.NegativeInfinity));
        _next++;
        if (_next < _rung.Count) return;

        if (_rungIndex == _rungs - 1) { StartBracket(); return; }
        // Promote the best 1/eta (at least one, at least the finalists into the last rung); ties go to the earlier
        // configuration so runs are repeatable.
        var keep = Math.Min(_rung.Count, Math.Max(_rungIndex == _rungs - 2 ? _finalists : 1, _rung.Count / _eta));
        _rung = _results.OrderByDescending(r => r.Score).ThenBy(r => r.Index).Take(keep).Select(r => _rung[r.Index]).ToList();
        _rungIndex++;
        _next = 0;
        _results.Clear();
    }

    private void StartBracket()
    {
        _rung = [];
        // The first bracket includes the start configuration, like random search.
        if (_bracket == 0) _rung.Add(_start);
        while (_rung.Count < _bracketSize)
            _rung.Add(_changeProbability is { } q ? _space.SampleNear(_start, q, _random) : _space.Sample(_random));
        _bracket++;
        _rungIndex = 0;
        _next = 0;
        _results.Clear();
    }
}
