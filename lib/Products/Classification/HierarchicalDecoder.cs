using System.Runtime.CompilerServices;
namespace Workbook.Products.Classification;

/// <summary>
/// Turns the probabilities of the explored labels into a hierarchy-consistent set: every label whose joint
/// probability reaches its level's threshold, plus the best path (so every product gets at least one), closed
/// under ancestors. The path goes one level deeper while the next label's conditional probability reaches
/// <see cref="DescendThreshold"/>, which is how a product can stop at an inner node (germeval) or always reach a
/// leaf (cdiscount, where tuning drives it to 0). The best path is greedy (the best level-1 label, then the best
/// child at each level) or, with <see cref="PathBySum"/>, the explored path whose labels' joint probabilities sum
/// highest: the expected number of its labels that are right, so a slightly less likely level-1 label whose
/// children are sure beats a likelier one whose children are a toss-up. Tuning keeps whichever scores higher.
/// </summary>
internal sealed record HierarchicalDecoder(IReadOnlyList<float> LevelThresholds, float DescendThreshold, bool PathBySum = false)
{
    public static HierarchicalDecoder Default(int depth) => new(Enumerable.Repeat(0.5f, Math.Max(depth, 1)).ToArray(), 0.3f);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 code in short prediction runs
    internal HashSet<int> Decode(LabelTree tree, ReadOnlySpan<Candidate> candidates)
    {
        var set = new HashSet<int>();
        DecodeInto(tree, candidates, PathBySum ? SumPath(tree, candidates) : GreedyPath(tree, candidates), set);
        return set;
    }

    /// <summary>
    /// Of the explored candidates none of whose children was explored, the one whose path from the root has the
    /// highest sum of joint probabilities (ties to the earlier candidate), as (label, conditional) from level 1 down.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (int Label, float Conditional)[] SumPath(LabelTree tree, ReadOnlySpan<Candidate> candidates)
    {
        // Candidates come parents first (the beam expands level by level), so a path's sum is its parent's plus its own.
        Span<float> sums = candidates.Length <= 512 ? stackalloc float[candidates.Length] : new float[candidates.Length];
        Span<bool> expanded = candidates.Length <= 512 ? stackalloc bool[candidates.Length] : new bool[candidates.Length];
        // Label -> position among the candidates (+1; 0 = not a candidate): a per-thread array, cleared again below.
        if (_position is null || _position.Length < tree.Count) _position = new int[tree.Count];
        var position = _position;
        for (var c = 0; c < candidates.Length; c++)
        {
            var parent = tree.Parent(candidates[c].Label);
            sums[c] = candidates[c].Probability;
            if (parent >= 0 && position[parent] > 0) { sums[c] += sums[position[parent] - 1]; expanded[position[parent] - 1] = true; }
            position[candidates[c].Label] = c + 1;
        }
        var best = -1;
        for (var c = 0; c < candidates.Length; c++)
            if (!expanded[c] && (best < 0 || sums[c] > sums[best])) best = c;
        var path = new List<(int, float)>(tree.Depth);
        for (var label = best < 0 ? -1 : candidates[best].Label; label >= 0; label = tree.Parent(label))
            path.Add(position[label] > 0 ? (label, candidates[position[label] - 1].Conditional) : (label, 1f));
        foreach (var c in candidates) position[c.Label] = 0;
        if (path.Count == 0) return [];
        path.Reverse();
        path[0] = (path[0].Item1, 1f);
        return path.ToArray();
    }

    [ThreadStatic] private static int[]? _position;

    /// <summary>The best level-1 label, then at each level the child with the highest conditional probability.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (int Label, float Conditional)[] GreedyPath(LabelTree tree, ReadOnlySpan<Candidate> candidates)
    {
        var path = new List<(int, float)>(tree.Depth);
        int best = -1;
        float bestP = -1;
        foreach (var c in candidates)
            if (tree.Parent(c.Label) < 0 && c.Probability > bestP) { best = c.Label; bestP = c.Probability; }
        while (best >= 0)
        {
            path.Add((best, path.Count == 0 ? 1f : bestP));
            int next = -1;
            float nextP = -1;
            foreach (var c in candidates)
                if (tree.Parent(c.Label) == best && c.Conditional > nextP) { next = c.Label; nextP = c.Conditional; }
            best = next;
            bestP = nextP;
        }
        return path.ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void DecodeInto(LabelTree tree, ReadOnlySpan<Candidate> candidates, (int Label, float Conditional)[] path, HashSet<int> set)
    {
        set.Clear();
        foreach (var c in candidates)
            if (c.Probability >= LevelThresholds[Math.Min(tree.Level(c.Label), LevelThresholds.Count) - 1]) set.Add(c.Label);
        // The best path goes down while the next step is likely enough: at least one path per product.
        for (var i = 0; i < path.Length && (i == 0 || path[i].Conditional >= DescendThreshold); i++)
            set.Add(path[i].Label);
        // Close under ancestors (a chosen deep label implies its parents).
        foreach (var c in candidates)
            if (set.Contains(c.Label))
                for (var p = tree.Parent(c.Label); p >= 0 && set.Add(p); p = tree.Parent(p)) { }
    }

    private static readonly float[] Grid = [0.05f, 0.1f, 0.15f, 0.2f, 0.25f, 0.3f, 0.35f, 0.4f, 0.45f, 0.5f, 0.55f, 0.6f, 0.65f, 0.7f, 0.8f, 0.9f, 1.01f];
    private static readonly float[] DescendGrid = [0f, 0.05f, 0.1f, 0.15f, 0.2f, 0.25f, 0.3f, 0.35f, 0.4f, 0.45f, 0.5f, 0.6f, 0.7f];

    /// <summary>Coordinate ascent over the per-level thresholds and the descend threshold, maximising <paramref name="metric"/> on <paramref name="validation"/>.</summary>
    internal static HierarchicalDecoder Tune(HierarchicalClassifierModel model, IReadOnlyList<Product> validation, ThresholdMetric metric) =>
        Tune(model.Tree, model.Explore(validation), validation.Select(p => p.Labels).ToArray(), metric, model.Options.Threads);

    /// <summary>The same search on explored candidates and their gold sets (e.g. out-of-fold candidates of several models).</summary>
    internal static HierarchicalDecoder Tune(LabelTree tree, Candidate[][] candidates, IReadOnlySet<int>[] gold, ThresholdMetric metric, int threads)
    {
        var greedy = Tune(tree, candidates, candidates.Select(c => GreedyPath(tree, c)).ToArray(), false, gold, metric, threads);
        var bySum = Tune(tree, candidates, candidates.Select(c => SumPath(tree, c)).ToArray(), true, gold, metric, threads);
        // The sum path is kept only when it scores strictly higher: on a tie the greedy path stays, as before.
        return bySum.Score > greedy.Score + 1e-12 ? bySum.Decoder : greedy.Decoder;
    }

    private static (HierarchicalDecoder Decoder, double Score) Tune(LabelTree tree, Candidate[][] candidates, (int Label, float Conditional)[][] paths,
        bool pathBySum, IReadOnlySet<int>[] gold, ThresholdMetric metric, int threads)
    {
        var sample = new DecodingSample(tree, candidates, paths, gold, Default(tree.Depth).LevelThresholds.Count);
        double Score(in DecodingSample.Totals t) => metric switch
        {
            ThresholdMetric.SamplesF1 => t.Samples / sample.Count,
            ThresholdMetric.ExactMatch => t.Exact / (double)sample.Count,
            // Sets are ancestor-closed, so Kiritchenko's hF1 and micro-F1 over all labels coincide.
            _ => t.Predicted + t.Actual == 0 ? 0 : 2.0 * t.Tp / (t.Predicted + t.Actual),
        };
        var thresholds = Default(tree.Depth).LevelThresholds.ToArray();
        var descend = 0.3f;
        var best = Score(sample.Sweep(0, thresholds, descend, [thresholds[0]], threads)[0]);
        // Coordinate ascent: one coordinate's values are scored in one sweep (the others stay fixed while it moves), then
        // taken in grid order as before: a value replaces the incumbent when it scores strictly higher.
        for (var round = 0; round < 2; round++)
        {
            for (var level = 0; level < thresholds.Length; level++)
            {
                var scores = sample.Sweep(level, thresholds, descend, Grid, threads);
                for (var v = 0; v < Grid.Length; v++)
                    if (Score(scores[v]) is var s && s > best + 1e-12) { best = s; thresholds[level] = Grid[v]; }
            }
            var byDescend = sample.Sweep(-1, thresholds, descend, DescendGrid, threads);
            for (var v = 0; v < DescendGrid.Length; v++)
                if (Score(byDescend[v]) is var s && s > best + 1e-12) { best = s; descend = DescendGrid[v]; }
        }
        return (new HierarchicalDecoder(thresholds, descend, pathBySum), best);
    }
}

/// <summary>A label the decoder reached: joint probability and probability given its parent.</summary>
internal readonly record struct Candidate(int Label, float Probability, float Conditional);
