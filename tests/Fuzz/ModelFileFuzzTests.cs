using System.Text;
using Workbook.Products.Classification;
using Workbook.Tests.Products;
using Xunit.Abstractions;

namespace Workbook.Tests.Fuzz;

/// <summary>
/// Mutated model files: half as they come (the checksum must catch them), half resealed with a valid checksum after the
/// header JSON or the tables were mutated (the loader's own checks must). Invariants: Load succeeds or throws
/// InvalidDataException naming the file; a model that loads predicts a product per product without throwing.
/// </summary>
public class ModelFileFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Fuzz_model_files_with_and_without_a_valid_checksum()
    {
        var model = ModelFileBytes.Small;
        var products = Workbook.Products.ProductCatalog.ReadUnlabelled(
            Path.Combine(ProductTestData.Folder("flipkart-1050"), "data.csv"), ProductCsvFuzzTests.SmallModel.Tree).Take(20).ToList();
        new FuzzCampaign("model-file", output).Run(FuzzCampaign.Cases, c =>
        {
            byte[] bytes;
            var resealed = c.Rng.Next(2) == 0;
            if (!resealed) bytes = c.Mutate(model, "model bytes");
            else if (c.Rng.Next(3) > 0)
                bytes = ModelFileBytes.WithHeader(model, h => Encoding.UTF8.GetString(c.Mutate(Encoding.UTF8.GetBytes(h), "header JSON, resealed")));
            else
            {
                // Tables only (after the header), so the header still parses and the table checks are what is tested.
                var tables = 12 + BitConverter.ToInt32(model, 8);
                var body = c.Mutate(model[tables..^32], "tables, resealed");
                bytes = ModelFileBytes.Resealed([.. model[..tables], .. body, .. new byte[32]]);
            }
            var path = c.Write("m.model", bytes);
            HierarchicalClassifierModel loaded;
            try { loaded = HierarchicalClassifierModel.Load(path); }
            catch (InvalidDataException e)
            {
                if (!e.Message.Contains(path)) throw new FuzzViolation($"error does not name the file: {e.Message}");
                return resealed ? "refused (content)" : "refused (checksum or shape)";
            }
            var predicted = loaded.WithThreads(1).Predict(products);
            if (predicted.Count != products.Count) throw new FuzzViolation($"{predicted.Count} predictions for {products.Count} products");
            return resealed ? "loaded and predicted (resealed)" : "loaded and predicted";
        });
    }
}
