namespace Workbook.AutoML;

/// <summary>
/// fANOVA-lite: for each parameter, the share of the objective's variance explained by that parameter alone (its
/// first-order main effect). Values are grouped (choices by option, numbers by quantile bins, on the log scale for
/// log parameters) and the variance of the group means, weighted by group size, is divided by the total variance.
/// It ignores interactions, and with few trials it is noisy: read it as "which knobs moved the metric", not as a
/// causal decomposition. Trials where a conditional parameter is inactive form their own group.
/// </summary>
internal static class ParameterImportance
{
    public static IReadOnlyList<Importance> Compute(SearchSpace space, IEnumerable<TrialRecord> trials, int bins = 4)
    {
        var done = Leaderboard.Rank(trials);
        if (done.Count < 3) return [];
        var y = done.Select(t => t.Objective!.Value).ToArray();
        var mean = y.Average();
        var total = y.Sum(v => (v - mean) * (v - mean));
        var configs = done.Select(t => space.Parse(t.ParamsJson)).ToList();
        var result = new List<Importance>();
        foreach (var p in space.Parameters)
        {
            var keys = Groups(p, configs, bins);
            var between = keys.Select((k, i) => (k, y[i])).GroupBy(g => g.k)
                .Sum(g => g.Count() * Math.Pow(g.Average(x => x.Item2) - mean, 2));
            result.Add(new Importance(p.Name, total > 0 ? between / total : 0, keys.Distinct().Count()));
        }
        return result.OrderByDescending(r => r.VarianceShare).ToList();
    }

    private static string[] Groups(Parameter p, IReadOnlyList<ParameterSet> configs, int bins)
    {
        if (p is ChoiceParameter) return configs.Select(c => c.TryGet(p.Name, out var v) ? (string)v : "(inactive)").ToArray();
        var log = p is FloatParameter { Log: true } or IntParameter { Log: true };
        double? X(ParameterSet c) => c.Has(p.Name) ? (log ? Math.Log(c.GetDouble(p.Name)) : c.GetDouble(p.Name)) : null;
        var values = configs.Select(X).ToArray();
        var present = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToArray();
        if (present.Length == 0) return values.Select(_ => "(inactive)").ToArray();
        // Quantile cut points so each bin holds about the same number of trials.
        var cuts = Enumerable.Range(1, bins - 1).Select(i => present[Math.Min(present.Length - 1, i * present.Length / bins)]).Distinct().ToArray();
        return values.Select(v => v is null ? "(inactive)" : $"bin{cuts.Count(c => v.Value >= c)}").ToArray();
    }
}

internal sealed record Importance(string Parameter, double VarianceShare, int Groups);
