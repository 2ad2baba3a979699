using System.Text;
using Workbook.Products;
using Workbook.Products.Classification;
using Workbook.Tests.Products;
using Xunit.Abstractions;

namespace Workbook.Tests.Fuzz;

/// <summary>
/// The classifier's readers on mutated slices of a real catalogue (flipkart-1050 data.csv, sometimes its
/// label_info.csv too), in process: what <c>classify train</c> and <c>evaluate</c> load, and what <c>classify predict</c>
/// reads, predicts and writes with a small real model. Invariants: success or InvalidDataException naming the file;
/// predict writes one prediction per product read.
/// </summary>
public class ProductCsvFuzzTests(ITestOutputHelper output)
{
    private static readonly Lazy<string[]> DataLines = new(() => File.ReadAllLines(Path.Combine(ProductTestData.Folder("flipkart-1050"), "data.csv")));
    private static readonly Lazy<byte[]> Labels = new(() => File.ReadAllBytes(Path.Combine(ProductTestData.Folder("flipkart-1050"), "label_info.csv")));
    private static readonly Lazy<HierarchicalClassifierModel> Model = new(() =>
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("fuzz-model-").FullName, "small.model");
        File.WriteAllBytes(path, ModelFileBytes.Small);
        return HierarchicalClassifierModel.Load(path).WithThreads(1);
    });

    internal static byte[] DataSample(Random rng)
    {
        var lines = DataLines.Value;
        var count = rng.Next(1, 120);
        var start = rng.Next(1, lines.Length - count + 1);
        return Encoding.UTF8.GetBytes(string.Join('\n', lines[..1].Concat(lines.Skip(start).Take(count))) + "\n");
    }

    internal static HierarchicalClassifierModel SmallModel => Model.Value;

    [Fact]
    public void Fuzz_product_csvs_for_train_evaluate_and_predict() =>
        new FuzzCampaign("product-csv", output).Run(FuzzCampaign.Cases, c =>
        {
            var data = c.Write("data.csv", c.Mutate(DataSample(c.Rng), "data.csv"));
            var labels = c.Write("label_info.csv", c.Rng.Next(5) == 0 ? c.Mutate(Labels.Value, "label_info.csv") : Labels.Value);
            string loaded;
            try
            {
                var catalog = ProductCatalog.Load(data, labels);
                loaded = $"loaded {(catalog.Issues.Rejected.Count > 0 ? "with rejected rows" : "clean")}";
            }
            catch (InvalidDataException e)
            {
                if (!e.Message.Contains(data) && !e.Message.Contains(labels)) throw new FuzzViolation($"error does not name the file: {e.Message}");
                loaded = "load refused";
            }

            var predictions = Path.Combine(c.Folder, "predictions.csv");
            try
            {
                var products = ProductCatalog.ReadUnlabelled(data, SmallModel.Tree);
                var predicted = SmallModel.Predict(products);
                if (predicted.Count != products.Count) throw new FuzzViolation($"{predicted.Count} predictions for {products.Count} products");
                ClassificationCsv.Write(predictions, SmallModel.Tree, products, predicted);
                return $"{loaded}, predicted";
            }
            catch (InvalidDataException e)
            {
                if (!e.Message.Contains(data)) throw new FuzzViolation($"error does not name the file: {e.Message}");
                if (File.Exists(predictions)) throw new FuzzViolation("a refused predict left an output");
                return $"{loaded}, predict refused";
            }
        });
}
