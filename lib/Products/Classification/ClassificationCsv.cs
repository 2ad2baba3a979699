using System.Globalization;
using CsvHelper;
using Workbook.Reports;

namespace Workbook.Products.Classification;

/// <summary>Writes predictions in the data.csv label convention: id, labels (comma-separated names, every level), probabilities.</summary>
public static class ClassificationCsv
{
    /// <summary>
    /// Columns: <c>id</c>, <c>labels</c> (the predicted names, shallow levels first), <c>probabilities</c> (one per
    /// label of <c>labels</c>, same order), then <c>top_labels</c>/<c>top_probabilities</c>: the five most probable
    /// labels the decoder looked at. Written to a temp file and renamed, so a crash leaves no half file.
    /// </summary>
    public static void Write(string path, LabelTree tree, IReadOnlyList<Product> products, IReadOnlyList<ProductPrediction> predictions)
    {
        AtomicFile.Write(path, temp =>
        {
            using var csv = CsvWriter.ToFile(temp);
            foreach (var h in new[] { "id", "labels", "probabilities", "top_labels", "top_probabilities" }) csv.WriteField(h);
            csv.EndRecord();
            for (var i = 0; i < products.Count; i++)
            {
                var p = predictions[i];
                var ordered = p.Labels.OrderBy(tree.Level).ThenByDescending(p.Probability).ToList();
                var top = p.Probabilities.Take(5).ToList();
                csv.WriteField(products[i].Id);
                csv.WriteField(string.Join(",", ordered.Select(tree.Name)));
                csv.WriteField(string.Join(",", ordered.Select(l => p.Probability(l).ToString("0.####", CultureInfo.InvariantCulture))));
                csv.WriteField(string.Join(",", top.Select(t => tree.Name(t.Label))));
                csv.WriteField(string.Join(",", top.Select(t => t.Probability.ToString("0.####", CultureInfo.InvariantCulture))));
                csv.EndRecord();
            }
        });
    }
}
