using Workbook.Products;

namespace Workbook.Tests.Products;

/// <summary>Real catalogues for tests (loaded once) and temp-file helpers.</summary>
internal static class ProductTestData
{
    private static readonly Lazy<ProductCatalog> FlipkartCatalog = new(() => ProductCatalog.LoadFolder(WorkbookPaths.Data("products", "flipkart-1050")));
    public static ProductCatalog Flipkart => FlipkartCatalog.Value;

    public static string Folder(string dataset) => WorkbookPaths.Data("products", dataset);

    /// <summary>A fresh temp folder, deleted by the returned handle.</summary>
    public static TempFolder Temp() => new();

    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wb-products-" + Guid.NewGuid().ToString("N"));
        public TempFolder() => Directory.CreateDirectory(Path);
        public string File(string name, string? content = null)
        {
            var path = System.IO.Path.Combine(Path, name);
            if (content != null) System.IO.File.WriteAllText(path, content);
            return path;
        }
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary>A small tree: A > (A1, A2), B > B1.</summary>
    public const string SmallTree = "tag_id,name,level,parent_tag_id\n1,A,1,10000\n2,A1,2,1\n3,A2,2,1\n4,B,1,10000\n5,B1,2,4\n";
}
