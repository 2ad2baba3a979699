namespace Workbook.Products.Classification;

/// <summary>Computes <see cref="ClassificationReport"/> from gold and predicted label sets (tree indices).</summary>
internal static class HierarchicalMetrics
{
    /// <summary>The same, for sets of label names (as in data.csv); an unknown name is an error.</summary>
    public static ClassificationReport Evaluate(LabelTree tree, IReadOnlyList<IReadOnlySet<string>> gold, IReadOnlyList<IReadOnlySet<string>> predicted, int confusedPairs = 15)
    {
        IReadOnlySet<int> Indices(IReadOnlySet<string> names) => names.Select(tree.IndexOf).ToHashSet();
        return Evaluate(tree, gold.Select(Indices).ToList(), predicted.Select(Indices).ToList(), confusedPairs);
    }

    /// <summary>Evaluates <paramref name="predicted"/> against <paramref name="gold"/> (same order, same length).</summary>
    public static ClassificationReport Evaluate(LabelTree tree, IReadOnlyList<IReadOnlySet<int>> gold, IReadOnlyList<IReadOnlySet<int>> predicted, int confusedPairs = 15)
    {
        if (gold.Count != predicted.Count)
            throw new ArgumentException($"gold has {gold.Count} sets but predicted has {predicted.Count}.");
        var n = gold.Count;
        var tp = new int[tree.Count];
        var fp = new int[tree.Count];
        var fn = new int[tree.Count];
        long hTp = 0, hPred = 0, hGold = 0;
        int exact = 0;
        double samples = 0;
        var levelExact = new int[tree.Depth + 1];
        var confused = new Dictionary<(int, int), int>();
        for (var i = 0; i < n; i++)
        {
            var g = gold[i];
            var p = predicted[i];
            var hit = 0;
            foreach (var l in p)
                if (g.Contains(l)) { tp[l]++; hit++; }
                else fp[l]++;
            foreach (var l in g)
                if (!p.Contains(l)) fn[l]++;
            if (hit == p.Count && hit == g.Count) exact++;
            samples += p.Count + g.Count == 0 ? 0 : 2.0 * hit / (p.Count + g.Count);

            var gc = tree.Closure(g);
            var pc = tree.Closure(p);
            hTp += pc.Count(gc.Contains);
            hPred += pc.Count;
            hGold += gc.Count;

            for (var level = 1; level <= tree.Depth; level++)
            {
                var gl = g.Where(l => tree.Level(l) == level).ToList();
                var pl = p.Where(l => tree.Level(l) == level).ToList();
                if (gl.Count == pl.Count && gl.All(p.Contains)) levelExact[level]++;
                // A confusion is a gold label missed while a wrong label of the same level was predicted.
                foreach (var missed in gl.Where(l => !p.Contains(l)))
                    foreach (var wrong in pl.Where(l => !g.Contains(l)))
                        confused[(missed, wrong)] = confused.GetValueOrDefault((missed, wrong)) + 1;
            }
        }

        var perLabel = new List<LabelScore>();
        for (var l = 0; l < tree.Count; l++)
        {
            if (tp[l] + fp[l] + fn[l] == 0) continue;
            var (pr, re, f1) = Prf(tp[l], tp[l] + fp[l], tp[l] + fn[l]);
            perLabel.Add(new LabelScore(l, tree.Name(l), tree.Level(l), pr, re, f1, tp[l] + fn[l], tp[l] + fp[l]));
        }
        var levels = new List<LevelScore>();
        for (var level = 1; level <= tree.Depth; level++)
        {
            var ls = perLabel.Where(s => s.Level == level).ToList();
            long t = 0, pp = 0, gg = 0;
            foreach (var s in ls) { t += tp[s.Label]; pp += tp[s.Label] + fp[s.Label]; gg += tp[s.Label] + fn[s.Label]; }
            var (lp, lr, lf) = Prf(t, pp, gg);
            levels.Add(new LevelScore(level, lp, lr, lf, ls.Count == 0 ? 0 : ls.Average(s => s.F1), n == 0 ? 0 : levelExact[level] / (double)n));
        }
        var (mp, mr, mf) = Prf(tp.Sum(), tp.Sum() + fp.Sum(), tp.Sum() + fn.Sum());
        var (hp, hr, hf) = Prf(hTp, hPred, hGold);
        var pairs = confused.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2).Take(confusedPairs)
            .Select(kv => new ConfusedPair(tree.Name(kv.Key.Item1), tree.Name(kv.Key.Item2), tree.Level(kv.Key.Item1), kv.Value)).ToList();
        return new ClassificationReport(n, n == 0 ? 0 : exact / (double)n, mp, mr, mf,
            perLabel.Count == 0 ? 0 : perLabel.Average(s => s.F1), n == 0 ? 0 : samples / n, hp, hr, hf,
            levels, perLabel.OrderByDescending(s => s.Support).ToList(), pairs);
    }

    /// <summary>Precision, recall, F1 from counts; 0 where a denominator is 0 (scikit-learn's zero_division=0).</summary>
    internal static (double Precision, double Recall, double F1) Prf(long truePositives, long predicted, long actual)
    {
        var p = predicted == 0 ? 0 : truePositives / (double)predicted;
        var r = actual == 0 ? 0 : truePositives / (double)actual;
        return (p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
    }
}
