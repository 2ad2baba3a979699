using CsvHelper;

namespace Workbook.Reports;

/// <summary>
/// A row of data/ranking/product_scoring.csv as the workbook tour (notebook 00) reads it: a product, its category,
/// its cost per click, its clicks and its views (empty in more than half of the rows: null here).
/// Ids stay strings: they are 64-bit hashes, not quantities.
/// </summary>
[CsvRecord]
public sealed partial record ProductScoringRow(string ProductId, string CategoryId, double Cpc, double Clicks, double? Views)
{
    /// <summary>Click-through rate, or null when views are unknown or zero.</summary>
    public double? Ctr => Views > 0 ? Clicks / Views : null;
}
