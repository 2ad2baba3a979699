namespace Workbook.Products.Ranking;

/// <summary>The products of a scoring file that can be used, and the rows that cannot, with reasons.</summary>
public sealed record ProductScoringData(IReadOnlyList<ProductStats> Products, IReadOnlyList<ProductScoringReject> Rejects, string File);

/// <summary>Loads a whole <c>product_scoring.csv</c> into memory (the 10k-row file; large files go through <see cref="StreamingRanker"/>).</summary>
public static class ProductScoringLoader
{
    /// <summary>Reads <paramref name="path"/>; bad rows and repeated product ids become rejects, never exceptions.</summary>
    public static ProductScoringData Load(string path)
    {
        var products = new List<ProductStats>();
        var rejects = new List<ProductScoringReject>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        using var reader = new ProductScoringReader(path);
        while (reader.Next(out var stats, out var reject))
        {
            if (reject is not null) { rejects.Add(reject); continue; }
            var id = stats!.ProductId.Trim(' ');
            if (!seen.TryAdd(id, reader.Line))
            {
                rejects.Add(new ProductScoringReject(path, reader.Line, "product_id", DuplicateProductIds.Reason(id, seen[id]), reader.RawLine));
                continue;
            }
            products.Add(stats);
        }
        return new ProductScoringData(products, rejects, path);
    }
}
