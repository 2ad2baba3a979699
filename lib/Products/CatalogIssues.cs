namespace Workbook.Products;

/// <summary>
/// What the loader found wrong in the catalogue, counted and never silently dropped. Products with unknown labels are
/// kept with the labels that are known; products whose label set lacks an ancestor get the ancestor added.
/// </summary>
public sealed record CatalogIssues(
    int ProductsWithUnknownLabels,
    IReadOnlyDictionary<string, int> UnknownLabels,
    int ProductsMissingAncestors,
    int ProductsWithoutLabels,
    IReadOnlyList<RejectedRow> Rejected)
{
    public bool IsClean => ProductsWithUnknownLabels == 0 && ProductsMissingAncestors == 0 && Rejected.Count == 0;

    public override string ToString() =>
        $"{ProductsWithUnknownLabels} products with labels not in the tree ({UnknownLabels.Count} distinct), " +
        $"{ProductsMissingAncestors} missing ancestors (added), {ProductsWithoutLabels} without labels, {Rejected.Count} rows rejected";
}

/// <summary>A data row the loader could not use, with the file line and the reason.</summary>
public sealed record RejectedRow(int Line, string Field, string Reason);
