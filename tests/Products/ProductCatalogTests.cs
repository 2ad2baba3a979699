using System.IO.Compression;
using Workbook.Products;
using Workbook.Reports;

namespace Workbook.Tests.Products;

public class ProductCatalogTests
{
    [Fact]
    public void Flipkart_loads_clean_with_closed_label_paths_and_records_lineage()
    {
        using var scope = Workbook.Notebooks.DataLineageCollector.Begin();
        var catalog = ProductCatalog.LoadFolder(ProductTestData.Folder("flipkart-1050"));
        Assert.Equal(1050, catalog.Products.Count);
        Assert.True(catalog.Issues.IsClean, catalog.Issues.ToString());
        Assert.All(catalog.Products, p => Assert.Equal(p.Labels.Count, catalog.Labels.Closure(p.Labels).Count));
        Assert.Contains(scope.Files, f => f.EndsWith(Path.Combine("flipkart-1050", "data.csv")));
        Assert.Contains(scope.Files, f => f.EndsWith(Path.Combine("flipkart-1050", "label_info.csv")));
        Assert.Contains(catalog.Products, p => p.Price > 0 && p.Brand.Length > 0);
    }

    [Fact]
    public void Unknown_labels_and_missing_ancestors_are_counted_not_dropped()
    {
        using var tmp = ProductTestData.Temp();
        var labels = tmp.File("label_info.csv", ProductTestData.SmallTree);
        var data = tmp.File("data.csv",
            "id,name,description,price,shop,brand,labels\n" +
            "1,shoe,,12.5,s,b,\"A,A1\"\n" +
            "2,hat,,,s,,A2\n" +                 // missing ancestor A
            "3,cap,,,s,,\"B,Nope\"\n" +          // unknown label
            "4,bag,,abc,s,,\n" +                 // no labels, bad price
            "4,dup,,,s,,A\n");                   // duplicate id
        var catalog = ProductCatalog.Load(data, labels);
        Assert.Equal(4, catalog.Products.Count);
        Assert.Equal(1, catalog.Issues.ProductsMissingAncestors);
        Assert.Equal(1, catalog.Issues.ProductsWithUnknownLabels);
        Assert.Equal(1, catalog.Issues.UnknownLabels["Nope"]);
        Assert.Equal(1, catalog.Issues.ProductsWithoutLabels);
        var hat = catalog.Products.Single(p => p.Id == "2");
        Assert.Equal(new[] { "A", "A2" }, hat.Labels.Select(catalog.Labels.Name).Order());
        Assert.Equal(new[] { "B" }, catalog.Products.Single(p => p.Id == "3").Labels.Select(catalog.Labels.Name));
        Assert.Contains(catalog.Issues.Rejected, r => r.Line == 5 && r.Field == "price");
        Assert.Contains(catalog.Issues.Rejected, r => r.Line == 6 && r.Field == "id");
        Assert.Equal(3, catalog.Labelled.Count);
    }

    [Fact]
    public void Zip_and_csv_give_the_same_catalogue()
    {
        using var tmp = ProductTestData.Temp();
        var csv = Path.Combine(ProductTestData.Folder("flipkart-1050"), "data.csv");
        var zip = tmp.File("data.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            archive.CreateEntryFromFile(csv, "data.csv");
        var labels = Path.Combine(ProductTestData.Folder("flipkart-1050"), "label_info.csv");
        var fromZip = ProductCatalog.Load(zip, labels);
        var fromCsv = ProductCatalog.Load(csv, labels);
        Assert.Equal(fromCsv.Products.Select(p => (p.Id, p.Name, p.Description, p.Price)), fromZip.Products.Select(p => (p.Id, p.Name, p.Description, p.Price)));
    }

    [Fact]
    public void Missing_labels_column_is_a_clear_error()
    {
        using var tmp = ProductTestData.Temp();
        var labels = tmp.File("label_info.csv", ProductTestData.SmallTree);
        var data = tmp.File("data.csv", "id,name\n1,x\n");
        var e = Assert.Throws<InvalidDataException>(() => ProductCatalog.Load(data, labels));
        Assert.Contains("labels", e.Message);
        Assert.Contains(data, e.Message);
    }
}
