using System.Globalization;

namespace Workbook.Products.Ranking;

/// <summary>
/// Writes a large synthetic scoring file of the real file's shape for benchmarks: each row copies the category, CPC,
/// clicks and views of a row of the real file drawn at random (seeded), under a fresh unique 19-digit product id.
/// </summary>
public static class ScoringFileGenerator
{
    public static void Write(string path, IReadOnlyList<ProductStats> template, long rows, int seed)
    {
        var rng = new Random(seed);
        using var w = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 20);
        w.WriteLine(ProductScoringReader.CanonicalHeader);
        Span<char> buf = stackalloc char[32];
        for (long i = 0; i < rows; i++)
        {
            var p = template[rng.Next(template.Count)];
            var id = 1_000_000_000_000_000_000L + i * 7_919 % 8_000_000_000_000_000_000L;
            id.TryFormat(buf, out var n, default, CultureInfo.InvariantCulture);
            w.Write(buf[..n]); w.Write(',');
            w.Write(p.CategoryId); w.Write(',');
            p.Cpc.TryFormat(buf, out n, "R", CultureInfo.InvariantCulture);
            w.Write(buf[..n]); w.Write(',');
            p.Clicks.TryFormat(buf, out n, default, CultureInfo.InvariantCulture);
            w.Write(buf[..n]); w.Write(".0,");
            if (!p.ViewsMissing)
            {
                p.Impressions.TryFormat(buf, out n, default, CultureInfo.InvariantCulture);
                w.Write(buf[..n]); w.Write(".0");
            }
            w.WriteLine();
        }
    }
}
