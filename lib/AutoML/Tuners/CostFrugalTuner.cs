namespace Workbook.AutoML.Tuners;

/// <summary>
/// Cost-frugal randomized direct search in the spirit of FLAML's CFO / FLOW2 (Wu, Wang, Huang 2021). It starts at the
/// space's initial configuration, which each search space declares at its cheap end (few epochs, small feature
/// space), and walks in the unit cube: try <c>x + step*u</c> for a random unit direction <c>u</c>, then
/// <c>x - step*u</c>; move on improvement. After <c>2^(d-1)</c> consecutive failures (capped) the step halves; when
/// it falls below a floor the search restarts from a random point. Expensive regions are reached only when the walk
/// finds them worth it, so early trials stay cheap. Like FLAML's <c>points_to_evaluate</c>, optional extra starting points
/// are tried right after the cheap start, and the walk begins from the best of them.
/// </summary>
internal sealed class CostFrugalTuner : ITuner
{
    private readonly SearchSpace _space;
    private readonly Random _random;
    private readonly double _initialStep;
    private readonly double _minStep;
    private readonly int _patience;

    private double[] _incumbent;
    private double _incumbentScore = double.NegativeInfinity;
    private bool _incumbentEvaluated;
    private double _step;
    private double[]? _direction;
    private bool _triedNegative;
    private int _failures;
    private readonly Queue<ParameterSet> _pointsToEvaluate;

    public CostFrugalTuner(SearchSpace space, int seed, double initialStep = 0.1, double minStep = 0.01, IEnumerable<ParameterSet>? pointsToEvaluate = null)
    {
        _pointsToEvaluate = new Queue<ParameterSet>((pointsToEvaluate ?? []).Where(p => !p.Equals(space.Initial())));
        _space = space;
        _random = new Random(seed);
        var d = Math.Max(1, space.Dimension);
        _initialStep = initialStep * Math.Sqrt(d);
        _minStep = minStep * Math.Sqrt(d);
        _patience = 1 << Math.Min(d - 1, 3);
        _incumbent = space.Encode(space.Initial());
        _step = _initialStep;
    }

    public string Name => "cfo";

    /// <summary>Current step size in the unit cube (exposed for tests of the schedule).</summary>
    public double Step => _step;

    public TrialRequest? Ask()
    {
        if (!_incumbentEvaluated) return new TrialRequest(_space.Decode(_incumbent), 1.0);
        if (_pointsToEvaluate.TryPeek(out var point)) return new TrialRequest(point, 1.0);
        _direction ??= RandomDirection();
        var sign = _triedNegative ? -1 : 1;
        var x = new double[_incumbent.Length];
        for (var i = 0; i < x.Length; i++) x[i] = Math.Clamp(_incumbent[i] + sign * _step * _direction[i], 0, 1);
        return new TrialRequest(_space.Decode(x), 1.0);
    }

    public void Tell(TrialRequest request, TrialMetrics? metrics)
    {
        var score = metrics?.Objective ?? double.NegativeInfinity;
        if (!_incumbentEvaluated)
        {
            _incumbentEvaluated = true;
            _incumbentScore = score;
            return;
        }
        if (_pointsToEvaluate.Count > 0)
        {
            _pointsToEvaluate.Dequeue();
            if (score > _incumbentScore) (_incumbent, _incumbentScore) = (_space.Encode(request.Parameters), score);
            return;
        }
        if (score > _incumbentScore)
        {
            // Move to the decoded point's own coordinates so integer/choice rounding does not drift.
            _incumbent = _space.Encode(request.Parameters);
            _incumbentScore = score;
            _direction = null;
            _triedNegative = false;
            _failures = 0;
            return;
        }
        if (!_triedNegative) { _triedNegative = true; return; }

        _direction = null;
        _triedNegative = false;
        if (++_failures < _patience) return;
        _failures = 0;
        _step /= 2;
        if (_step >= _minStep) return;
        // Converged locally: restart from a random point with a fresh step, keeping the random stream going.
        var restart = new double[_incumbent.Length];
        for (var i = 0; i < restart.Length; i++) restart[i] = _random.NextDouble();
        _incumbent = restart;
        _incumbentEvaluated = false;
        _incumbentScore = double.NegativeInfinity;
        _step = _initialStep;
    }

    private double[] RandomDirection()
    {
        // A normalised Gaussian vector is uniform on the sphere (Box-Muller from the seeded stream).
        var u = new double[_incumbent.Length];
        double norm;
        do
        {
            for (var i = 0; i < u.Length; i++)
            {
                var a = 1 - _random.NextDouble();
                var b = _random.NextDouble();
                u[i] = Math.Sqrt(-2 * Math.Log(a)) * Math.Cos(2 * Math.PI * b);
            }
            norm = Math.Sqrt(u.Sum(v => v * v));
        } while (norm == 0);
        for (var i = 0; i < u.Length; i++) u[i] /= norm;
        return u;
    }
}
