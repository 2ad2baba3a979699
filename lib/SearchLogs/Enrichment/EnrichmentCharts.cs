using Workbook.Reports;

namespace Workbook.SearchLogs.Enrichment;

/// <summary>Charts of the enrichment evaluation.</summary>
public static class EnrichmentCharts
{
    /// <summary>Bars with 95% interval whiskers, one per labelled estimate.</summary>
    public static Figure WithIntervals(IReadOnlyList<(string Label, Estimate Estimate)> bars, string title, string yTitle) =>
        Chart.Plotly(
            new
            {
                type = "bar",
                x = bars.Select(b => b.Label).ToArray(),
                y = bars.Select(b => b.Estimate.Value).ToArray(),
                error_y = new
                {
                    type = "data",
                    symmetric = false,
                    array = bars.Select(b => b.Estimate.High - b.Estimate.Value).ToArray(),
                    arrayminus = bars.Select(b => b.Estimate.Value - b.Estimate.Low).ToArray(),
                },
                hovertext = bars.Select(b => $"{b.Estimate}").ToArray(),
            },
            new { title = new { text = title }, yaxis = new { title = new { text = yTitle }, rangemode = "tozero" } });

    /// <summary>Recall@10 and MRR@10 of each system of a report, with intervals.</summary>
    public static Figure Systems(EnrichmentEvaluationReport report) => WithIntervals(
        report.Systems.SelectMany(s => new[] { ($"{Short(s.System)}: recall@10", s.RecallAt10), ($"{Short(s.System)}: MRR@10", s.Mrr10) }).ToList(),
        $"Clicked clip among the first 10 proposals (test: {report.TestSearchesWithClick} searches with a click)", "mean over test searches");

    private static string Short(string system) => system.Split(',', '(')[0].Trim();
}
