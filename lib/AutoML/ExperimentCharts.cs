using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>The notebook's views of an experiment: trial history, parallel coordinates, parameter importance.</summary>
internal static class ExperimentCharts
{
    /// <summary>Each trial's objective against cumulative trial time (full-budget trials; subsample rungs greyed), and the best so far.</summary>
    public static Figure History(IReadOnlyList<TrialRecord> trials, string title, string objective)
    {
        var h = Leaderboard.History(trials);
        var full = h.Where(p => p.Objective is not null && p.Budget >= 1).ToList();
        var partial = h.Where(p => p.Objective is not null && p.Budget < 1).ToList();
        var best = h.Where(p => p.BestSoFar is not null).ToList();
        var figure = Chart.Scatter(full.Select(p => p.ElapsedSeconds), full.Select(p => p.Objective!.Value), title, "trial time (s, cumulative)", objective,
            full.Select(p => $"trial {p.Number}"));
        if (partial.Count > 0)
            figure = figure.AddScatter("subsample rungs", partial.Select(p => p.ElapsedSeconds), partial.Select(p => p.Objective!.Value),
                partial.Select(p => $"trial {p.Number}, budget {p.Budget:0.###}"));
        return figure.AddLine("best so far", best.Select(p => p.ElapsedSeconds), best.Select(p => p.BestSoFar!.Value));
    }

    /// <summary>
    /// One line per full-budget trial across every parameter, coloured by the objective. Log parameters are shown as
    /// log10; choices as their options; a conditional parameter that was inactive sits on an extra "off" tick below its range.
    /// </summary>
    public static Figure ParallelCoordinates(SearchSpace space, IReadOnlyList<TrialRecord> trials, string objective)
    {
        var done = Leaderboard.Rank(trials).OrderBy(t => t.Number).ToList();
        var configs = done.Select(t => space.Parse(t.ParamsJson)).ToList();
        var dimensions = new List<object>();
        foreach (var p in space.Parameters)
        {
            var conditional = p.When is not null;
            if (p is ChoiceParameter c)
            {
                var labels = conditional ? c.Options.Prepend("off").ToArray() : c.Options;
                var values = configs.Select(x => x.TryGet(p.Name, out var v) ? Array.IndexOf(labels, (string)v) : 0).ToArray();
                dimensions.Add(new { label = p.Name, values, tickvals = Enumerable.Range(0, labels.Length).ToArray(), ticktext = labels,
                    range = new[] { -0.2, labels.Length - 0.8 } });
                continue;
            }
            var (low, high, log) = p switch
            {
                FloatParameter f => (f.Low, f.High, f.Log),
                IntParameter i => ((double)i.Low, (double)i.High, i.Log),
                _ => throw new InvalidOperationException(),
            };
            double T(double v) => log ? Math.Log10(v) : v;
            var (lo, hi) = (T(low), T(high));
            var off = lo - 0.1 * (hi - lo);
            var vals = configs.Select(x => x.Has(p.Name) ? T(x.GetDouble(p.Name)) : off).ToArray();
            var label = log ? $"log10({p.Name})" : p.Name;
            dimensions.Add(conditional
                ? new { label, values = vals, range = new[] { off, hi }, tickvals = new[] { off, lo, hi }, ticktext = new[] { "off", Fmt(lo), Fmt(hi) } }
                : (object)new { label, values = vals, range = new[] { lo, hi } });
        }
        var y = done.Select(t => t.Objective!.Value).ToArray();
        dimensions.Add(new { label = objective, values = y });
        // Angled labels: with a dozen or more axes, horizontal labels run into each other.
        var trace = new { type = "parcoords", labelangle = -30, line = new { color = y, colorscale = "Viridis", showscale = true }, dimensions };
        return Chart.Plotly(trace, new { title = new { text = $"Trials across the search space (colour: {objective})" }, margin = new { l = 70, r = 90, t = 150 } });
    }

    private static string Fmt(double v) => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
