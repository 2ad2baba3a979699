using System.Security.Cryptography;
using System.Text;
using Workbook.Products;
using Workbook.Products.Classification;

namespace Workbook.Tests.Products;

/// <summary>
/// A small real model file as bytes, and surgery on it that keeps the checksum valid: the checksum only proves the
/// bytes are what a writer wrote, so the loader's own checks are what a hand-edited or foreign file meets.
/// Layout (ModelFile): "WBHC", int32 version, int32 header length, header JSON, tables, SHA-256 of all before it.
/// </summary>
internal static class ModelFileBytes
{
    private static readonly Lazy<byte[]> SmallModel = new(() =>
    {
        var split = ProductSplit.Create(ProductTestData.Flipkart, 1, 0.7, 0.1);
        var model = new HierarchicalClassifier(new HierarchicalClassifierOptions { Epochs = 1, HashBits = 10, Threads = 1 })
            .Fit(split.Train, ProductTestData.Flipkart.Labels, split.Validation);
        using var tmp = ProductTestData.Temp();
        var path = tmp.File("small.model");
        model.Save(path);
        return File.ReadAllBytes(path);
    });

    /// <summary>A freshly trained model on flipkart-1050 with 2^10 buckets (a few hundred KB), trained once per test run.</summary>
    public static byte[] Small => (byte[])SmallModel.Value.Clone();

    public static string Header(byte[] model) => Encoding.UTF8.GetString(model, 12, BitConverter.ToInt32(model, 8));

    /// <summary>The model with its header JSON replaced by <paramref name="edit"/>(header), resealed with a valid checksum.</summary>
    public static byte[] WithHeader(byte[] model, Func<string, string> edit)
    {
        var length = BitConverter.ToInt32(model, 8);
        var json = Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(model, 12, length)));
        var body = new List<byte>(model.Length);
        body.AddRange(model.AsSpan(0, 8).ToArray());
        body.AddRange(BitConverter.GetBytes(json.Length));
        body.AddRange(json);
        body.AddRange(model.AsSpan(12 + length, model.Length - 32 - 12 - length).ToArray());
        return Resealed([.. body, .. new byte[32]]);
    }

    /// <summary>The same bytes with the trailing SHA-256 recomputed over everything before it.</summary>
    public static byte[] Resealed(byte[] model)
    {
        var copy = (byte[])model.Clone();
        SHA256.HashData(copy.AsSpan(0, copy.Length - 32)).CopyTo(copy, copy.Length - 32);
        return copy;
    }
}
