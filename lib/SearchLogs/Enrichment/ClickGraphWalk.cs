namespace Workbook.SearchLogs.Enrichment;

/// <summary>Options of the backward random walk.</summary>
/// <param name="Steps">Walk length t; Craswell and Szummer found t = 11 with s = 0.9 best for backward walks.</param>
/// <param name="SelfTransition">Probability s of staying put at each step, which makes long walks stay local.</param>
/// <param name="MaxFanOut">Only the strongest edges of a node are followed (an approximation that bounds latency on
/// hub clips; exact when no node has more edges).</param>
/// <param name="Prune">Scores below this fraction of the step's largest are dropped (again bounds latency).</param>
/// <param name="ClickVolumePrior">Rank by P_{0|t} with a prior proportional to each node's clicks instead of a
/// uniform one (which makes the ranking that of the forward walk).</param>
internal sealed record WalkOptions(int Steps = 11, double SelfTransition = 0.9, int MaxFanOut = 32, double Prune = 1e-3,
    bool ClickVolumePrior = false);

/// <summary>
/// The backward random walk on the click graph of Craswell and Szummer (2007, "Random walks on the click graph",
/// SIGIR). One step moves from node j to k with P(k|j) = (1 - s) C(j,k) / D(j) and stays with probability s. The
/// backward walk ranks every node k by P_{0|t}(k | j), the probability that a t-step walk ending at the query j
/// started at k, which with a uniform prior over starting nodes is proportional to P_{t|0}(j | k) = [A^t]_{k,j}:
/// computed here as t sparse products v_t = A v_{t-1} from v_0 = e_j (or a weighted mix of several start queries).
/// The walk is deterministic: no sampling, so no seed is needed.
/// </summary>
internal sealed class ClickGraphWalk
{
    private readonly ClickGraph _graph;
    private readonly WalkOptions _options;
    private readonly ThreadLocal<Scratch> _scratch;

    public ClickGraphWalk(ClickGraph graph, WalkOptions? options = null)
    {
        _graph = graph;
        _options = options ?? new WalkOptions();
        _scratch = new ThreadLocal<Scratch>(() => new Scratch(graph.NodeCount));
    }

    public WalkOptions Options => _options;

    /// <summary>
    /// Runs the walk from <paramref name="start"/> (node, weight) and returns every reached node with its unnormalized
    /// score [A^t v_0]_k; callers normalize over the node type they rank (clips or queries).
    /// </summary>
    public List<(int Node, double Score)> Run(ReadOnlySpan<(int Node, double Weight)> start)
    {
        var result = new List<(int, double)>();
        Run(start, result);
        return result;
    }

    /// <summary>The same, filling <paramref name="result"/> (cleared first) so a caller can reuse one list.</summary>
    public void Run(ReadOnlySpan<(int Node, double Weight)> start, List<(int Node, double Score)> result)
    {
        result.Clear();
        var s = _scratch.Value!;
        s.Reset();
        foreach (var (node, w) in start) s.AddCurrent(node, w);

        var move = 1 - _options.SelfTransition;
        for (var step = 0; step < _options.Steps; step++)
        {
            double max = 0;
            foreach (var m in s.CurrentNodes)
            {
                var vm = s.Current[m];
                // Stay: v_t[m] += s * v_{t-1}[m] (A[m,m] = s).
                s.AddNext(m, _options.SelfTransition * vm);
                // Move: v_t[k] += (1-s) C(k,m)/D(k) * v_{t-1}[m] for each neighbour k of m.
                var targets = _graph.Neighbours(m);
                var coeff = _graph.BackwardCoefficients(m);
                var limit = Math.Min(targets.Length, _options.MaxFanOut);
                for (var e = 0; e < limit; e++)
                    s.AddNext(targets[e], move * coeff[e] * vm);
            }
            foreach (var k in s.NextNodes) max = Math.Max(max, s.Next[k]);
            s.Swap(max * _options.Prune);
        }

        foreach (var k in s.CurrentNodes) result.Add((k, s.Current[k]));
    }

    /// <summary>Dense score vectors reused across calls (one per thread) so a walk allocates almost nothing.</summary>
    private sealed class Scratch(int n)
    {
        public double[] Current = new double[n];
        public double[] Next = new double[n];
        public List<int> CurrentNodes = new();
        public List<int> NextNodes = new();
        private bool[] _inNext = new bool[n];
        private bool[] _inCurrent = new bool[n];

        public void Reset()
        {
            foreach (var k in CurrentNodes) { Current[k] = 0; _inCurrent[k] = false; }
            foreach (var k in NextNodes) { Next[k] = 0; _inNext[k] = false; }
            CurrentNodes.Clear();
            NextNodes.Clear();
        }

        public void AddCurrent(int k, double v)
        {
            if (!_inCurrent[k]) { _inCurrent[k] = true; CurrentNodes.Add(k); }
            Current[k] += v;
        }

        public void AddNext(int k, double v)
        {
            if (!_inNext[k]) { _inNext[k] = true; NextNodes.Add(k); }
            Next[k] += v;
        }

        /// <summary>Next becomes current, keeping only scores at or above <paramref name="threshold"/>.</summary>
        public void Swap(double threshold)
        {
            foreach (var k in CurrentNodes) { Current[k] = 0; _inCurrent[k] = false; }
            CurrentNodes.Clear();
            foreach (var k in NextNodes)
            {
                var v = Next[k];
                Next[k] = 0; _inNext[k] = false;
                if (v >= threshold && v > 0) { Current[k] = v; _inCurrent[k] = true; CurrentNodes.Add(k); }
            }
            NextNodes.Clear();
        }
    }
}
