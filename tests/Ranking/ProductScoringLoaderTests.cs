using Workbook.Products.Ranking;
using Workbook.Reports;

namespace Workbook.Tests.Ranking;

public class ProductScoringLoaderTests
{
    private const string Header = "product_id,category_id,cpc,clicks,views\n";

    [Fact]
    public void Empty_views_means_no_recorded_exposure_and_zero_impressions()
    {
        using var csv = new TempCsv(Header + "1943562212212540244,7234842626579207420,1.0999996194276516,0.0,\n");
        var p = Assert.Single(ProductScoringLoader.Load(csv.Path).Products);
        Assert.True(p.ViewsMissing);
        Assert.Equal(0, p.Impressions);
        Assert.Equal(0, p.Clicks);
    }

    [Fact]
    public void Nineteen_and_twenty_digit_ids_are_kept_exactly()
    {
        // 9223372036854775807 is long.MaxValue, 18446744073709551615 overflows a long, both lose digits as doubles.
        using var csv = new TempCsv(Header +
            "9223372036854775807,7234842626579207420,1.1,0.0,26.0\n" +
            "18446744073709551615,0007,1.1,1.0,26.0\n");
        var ps = ProductScoringLoader.Load(csv.Path).Products;
        Assert.Equal("9223372036854775807", ps[0].ProductId);
        Assert.Equal("18446744073709551615", ps[1].ProductId);
        Assert.Equal("0007", ps[1].CategoryId);
        // What a double parse would have made of a real id from the file.
        Assert.NotEqual("6288767857890040299", ((ulong)double.Parse("6288767857890040299")).ToString());
    }

    [Theory]
    [InlineData("1,2,abc,0.0,10.0", "cpc")]
    [InlineData("1,2,-1.5,0.0,10.0", "cpc")]
    [InlineData("1,2,1.5,1.5,10.0", "clicks")]
    [InlineData("1,2,1.5,1.05,10.0", "clicks")]
    [InlineData("1,2,1.5,1.0x,10.0", "clicks")]
    [InlineData("1,2,1.5,-1,10.0", "clicks")]
    [InlineData("1,2,1.5,0.0,ten", "views")]
    [InlineData("1,2,1.5,3.0,", "views")]
    [InlineData("1,2,1.5,11.0,10.0", "clicks")]
    [InlineData(",2,1.5,1.0,10.0", "product_id")]
    [InlineData("1,,1.5,1.0,10.0", "category_id")]
    [InlineData("1,2,1.5,1.0", "line")]
    [InlineData("\"1\",2,1.5,1.0,10.0", "line")]
    public void Bad_rows_are_rejected_with_file_line_and_field(string row, string field)
    {
        using var csv = new TempCsv(Header + "5,6,1.2,0.0,30.0\n" + row + "\n");
        var data = ProductScoringLoader.Load(csv.Path);
        Assert.Single(data.Products);
        var reject = Assert.Single(data.Rejects);
        Assert.Equal(csv.Path, reject.File);
        Assert.Equal(3, reject.Line);
        Assert.Equal(field, reject.Field);
        Assert.Equal(row, reject.RawLine);
        Assert.Contains($":3: field '{field}'", reject.ToString());
    }

    [Theory]
    [InlineData("3", "40", 3, 40)]
    [InlineData("3.0", "40.00", 3, 40)]
    [InlineData("3e0", "4.0e1", 3, 40)]
    [InlineData("0.0", "1095000.0", 0, 1_095_000)]
    public void Counts_are_read_in_any_whole_number_spelling(string clicks, string views, long c, long n)
    {
        using var csv = new TempCsv(Header + $"p,c,1.5,{clicks},{views}\n");
        var p = Assert.Single(ProductScoringLoader.Load(csv.Path).Products);
        Assert.Equal((c, n), (p.Clicks, p.Impressions));
    }

    [Fact]
    public void Duplicate_ids_are_rejected_and_the_first_kept()
    {
        using var csv = new TempCsv(Header + "5,6,1.2,0.0,30.0\n5,6,1.3,1.0,30.0\n");
        var data = ProductScoringLoader.Load(csv.Path);
        Assert.Equal(1.2, Assert.Single(data.Products).Cpc);
        Assert.Equal("product_id", Assert.Single(data.Rejects).Field);
    }

    [Fact]
    public void A_header_without_views_names_the_file_and_column()
    {
        using var csv = new TempCsv("product_id,category_id,cpc,clicks\n1,2,1.0,0.0\n");
        var e = Assert.Throws<InvalidDataException>(() => ProductScoringLoader.Load(csv.Path));
        Assert.Contains(csv.Path, e.Message);
        Assert.Contains("'views'", e.Message);
    }

    [Fact]
    public void Impressions_header_and_any_column_order_are_accepted()
    {
        using var csv = new TempCsv("impressions,clicks,cpc,category_id,product_id\n40.0,2.0,1.5,c,p\n");
        var p = Assert.Single(ProductScoringLoader.Load(csv.Path).Products);
        Assert.Equal(new ProductStats("p", "c", 1.5, 2, 40), p);
    }

    [Fact]
    public void The_shipped_file_loads_whole_and_is_recorded_in_lineage()
    {
        using var scope = Workbook.Notebooks.DataLineageCollector.Begin();
        var data = ProductScoringLoader.Load(WorkbookPaths.Data("ranking", "product_scoring.csv"));
        Assert.Equal(10_000, data.Products.Count);
        Assert.Empty(data.Rejects);
        Assert.Equal(5_561, data.Products.Count(p => p.ViewsMissing));
        Assert.All(data.Products.Where(p => p.ViewsMissing), p => Assert.Equal(0, p.Clicks));
        Assert.Contains(scope.Files, f => f.EndsWith("product_scoring.csv"));
    }
}
