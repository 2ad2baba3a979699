using System.Globalization;
using System.IO.Compression;
using CsvHelper;
using Workbook.Reports;

namespace Workbook.Products;

/// <summary>
/// A product catalogue in the original take-home schema: <c>data.csv</c> (or <c>data.zip</c> holding it) with
/// <c>id,name,description,price,shop,brand,labels</c>, and <c>label_info.csv</c> with the label tree.
/// </summary>
public sealed class ProductCatalog
{
    public IReadOnlyList<Product> Products { get; }
    public LabelTree Labels { get; }
    public CatalogIssues Issues { get; }
    /// <summary>The data file read (data.csv or data.zip).</summary>
    public string DataPath { get; }
    public string LabelInfoPath { get; }

    private ProductCatalog(IReadOnlyList<Product> products, LabelTree labels, CatalogIssues issues, string dataPath, string labelInfoPath)
    {
        Products = products;
        Labels = labels;
        Issues = issues;
        DataPath = dataPath;
        LabelInfoPath = labelInfoPath;
    }

    /// <summary>The same catalogue (files, tree) holding only <paramref name="products"/>.</summary>
    internal ProductCatalog Subset(IReadOnlyList<Product> products) => new(products, Labels, Issues, DataPath, LabelInfoPath);

    /// <summary>Products that have at least one known label: the ones models train and are scored on.</summary>
    public IReadOnlyList<Product> Labelled => Products.Where(p => p.Labels.Count > 0).ToList();

    /// <summary>Loads a catalogue folder holding data.csv (or data.zip) and label_info.csv.</summary>
    public static ProductCatalog LoadFolder(string folder)
    {
        var csv = Path.Combine(folder, "data.csv");
        var data = File.Exists(csv) ? csv : Path.Combine(folder, "data.zip");
        return Load(data, Path.Combine(folder, "label_info.csv"));
    }

    /// <summary>Loads and checks the catalogue; tree errors throw, row problems are reported in <see cref="Issues"/>.</summary>
    public static ProductCatalog Load(string dataPath, string labelInfoPath)
    {
        var tree = LabelTree.Load(labelInfoPath);
        var (products, issues) = ReadProducts(dataPath, tree, requireLabels: true);
        return new ProductCatalog(products, tree, issues, dataPath, labelInfoPath);
    }

    /// <summary>Reads products for prediction: the labels column may be absent.</summary>
    public static IReadOnlyList<Product> ReadUnlabelled(string dataPath, LabelTree tree) =>
        ReadProducts(dataPath, tree, requireLabels: false).Products;

    internal static (List<Product> Products, CatalogIssues Issues) ReadProducts(string dataPath, LabelTree tree, bool requireLabels)
    {
        DataLineage.Record(dataPath);
        using var csv = CsvReader.Create(OpenStream(dataPath), new CsvReaderOptions { TrackLineNumbers = true }, leaveOpen: false);
        var header = csv.Headers.ToArray();
        if (header.Length == 0)
            throw new InvalidDataException($"{dataPath}: empty file, expected header id,name,description,price,shop,brand,labels.");
        var required = requireLabels ? new[] { "id", "name", "labels" } : new[] { "id", "name" };
        foreach (var column in required)
            if (!header.Contains(column))
                throw new InvalidDataException($"{dataPath}: header lacks column '{column}' (has {string.Join(",", header)}).");
        int Column(string c) => Array.IndexOf(header, c);
        int cId = Column("id"), cName = Column("name"), cDescription = Column("description"), cPrice = Column("price"),
            cShop = Column("shop"), cBrand = Column("brand"), cLabels = Column("labels");
        string Field(int c) => c < 0 ? "" : csv.GetString(c);

        var products = new List<Product>();
        var rejected = new List<RejectedRow>();
        var unknown = new Dictionary<string, int>(StringComparer.Ordinal);
        int withUnknown = 0, missingAncestors = 0, withoutLabels = 0;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            var id = Field(cId);
            if (id.Length == 0) { rejected.Add(new RejectedRow(line, "id", "empty id")); continue; }
            if (!ids.Add(id)) { rejected.Add(new RejectedRow(line, "id", $"duplicate id '{id}'")); continue; }
            double? price = null;
            var priceText = Field(cPrice);
            if (!string.IsNullOrWhiteSpace(priceText))
            {
                if (double.TryParse(priceText, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p >= 0 && double.IsFinite(p))
                    price = p;
                else
                    rejected.Add(new RejectedRow(line, "price", $"'{priceText}' is not a non-negative number; price treated as missing"));
            }
            var labelsText = Field(cLabels);
            var given = new List<int>();
            var anyUnknown = false;
            foreach (var raw in labelsText.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = raw.Trim();
                if (name.Length == 0) continue;
                if (tree.TryGetIndex(name, out var label)) given.Add(label);
                else
                {
                    anyUnknown = true;
                    unknown[name] = unknown.GetValueOrDefault(name) + 1;
                }
            }
            if (anyUnknown) withUnknown++;
            var closed = tree.Closure(given);
            if (closed.Count > given.Distinct().Count()) missingAncestors++;
            if (closed.Count == 0) withoutLabels++;
            products.Add(new Product(id, Field(cName), Field(cDescription), price, Field(cShop), Field(cBrand), closed, line));
        }
        return (products, new CatalogIssues(withUnknown, unknown, missingAncestors, withoutLabels, rejected));
    }

    /// <summary>data.csv, or the data.csv (else first .csv) entry of a zip: the original ships data.zip.</summary>
    internal static Stream OpenStream(string path)
    {
        if (!path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            return File.OpenRead(path);
        using var zip = ZipFile.OpenRead(path);
        var entry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.csv", StringComparison.OrdinalIgnoreCase))
                    ?? zip.Entries.FirstOrDefault(e => e.FullName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                    ?? throw new InvalidDataException($"{path}: the zip holds no .csv file.");
        // Copied to memory so the archive can be closed before parsing.
        var memory = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }
}
