namespace Workbook.Products;

/// <summary>
/// One catalogue row in the original schema. <see cref="Labels"/> holds label-tree indices, closed under ancestors
/// (the loader adds missing ancestors and counts them); empty means the label is unknown.
/// </summary>
public sealed record Product(
    string Id,
    string Name,
    string Description,
    double? Price,
    string Shop,
    string Brand,
    IReadOnlySet<int> Labels,
    int Line);
