using System.Text.Encodings.Web;
using Microsoft.Data.Analysis;
using Workbook.Reports;

namespace Workbook.Tests.Reports;

/// <summary>The typed DataFrame views of the raw files: the pitfalls DataFrame.LoadCsv falls into do not happen here.</summary>
public class FramesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wb-frames-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Repo(params string[] parts) =>
        Path.Combine([Workbook.WorkbookPaths.Root(AppContext.BaseDirectory), .. parts]);

    [Fact]
    public void A_19_digit_id_stays_exact_text()
    {
        var path = Write("scoring.csv", "product_id,category_id,cpc,clicks,views\n" +
            "6288767857890040299,7234842626579207420,1.5,0.0,26.0\n6288767857890040298,7234842626579207420,1.5,1.0,\n");
        var frame = Frames.ProductScoring(path);
        Assert.IsType<StringDataFrameColumn>(frame["product_id"]);
        Assert.Equal("6288767857890040299", frame["product_id"][0]);
        Assert.Equal("6288767857890040298", frame["product_id"][1]);
        Assert.Null(frame["views"][1]);
        Assert.Equal(26.0, frame["views"][0]);
    }

    [Fact]
    public void Every_id_of_the_real_scoring_file_stays_distinct()
    {
        // DataFrame.LoadCsv without types reads these ids as Single: 10,000 ids become 9,999 values.
        var frame = Frames.ProductScoring(Repo("data", "ranking", "product_scoring.csv"));
        Assert.Equal(10_000, frame.Rows.Count);
        Assert.Equal(10_000, ((StringDataFrameColumn)frame["product_id"]).Distinct().Count());
    }

    [Fact]
    public void A_decimal_comma_is_an_error_naming_file_line_and_column_not_fifteen()
    {
        var path = Write("scoring.csv", "product_id,category_id,cpc,clicks,views\n1,2,1.5,0,3\n1,2,\"1,5\",0,3\n");
        var e = Assert.Throws<InvalidDataException>(() => Frames.ProductScoring(path));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("column 'cpc'", e.Message);
        Assert.Contains("'1,5'", e.Message);
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void An_offset_timestamp_keeps_its_offset()
    {
        var path = Write("search_request.csv", ",search_id,search_query,ts,cuid,total\n" +
            "0,a,wyrm,2020-03-10 09:24:31.000 -0400,1259928,86\n1,b,space,2019-05-30 18:34:31+02:00,126560490,516935\n");
        var frame = Frames.SearchRequests(path);
        Assert.Equal(new DateTimeOffset(2020, 3, 10, 9, 24, 31, TimeSpan.FromHours(-4)), frame["ts"][0]);
        Assert.Equal(TimeSpan.FromHours(-4), ((DateTimeOffset)frame["ts"][0]!).Offset);
        Assert.Equal(TimeSpan.FromHours(2), ((DateTimeOffset)frame["ts"][1]!).Offset);
        Assert.Equal("1259928", frame["cuid"][0]);
        Assert.Equal(["row", "search_id", "search_query", "ts", "cuid", "total"], frame.Columns.Select(c => c.Name));
        // The table shows the offset as written, not the machine's local time.
        Assert.Contains("2020-03-10 09:24:31 -04:00", Html(Table.From(frame)));
    }

    [Fact]
    public void Every_raw_file_loads_with_its_row_count()
    {
        Assert.Equal(2_594, Frames.SearchRequests(Repo("data", "search-logs", "search_request.csv")).Rows.Count);
        Assert.Equal(2_225, Frames.SearchClicks(Repo("data", "search-logs", "search_result_interaction.csv")).Rows.Count);
        Assert.Equal(1_050, Frames.Products(Repo("data", "products", "flipkart-1050", "data.csv")).Rows.Count);
        var labels = Frames.Labels(Repo("data", "products", "flipkart-1050", "label_info.csv"));
        Assert.IsType<Int64DataFrameColumn>(labels["level"]);
        Assert.IsType<StringDataFrameColumn>(labels["tag_id"]);
    }

    [Fact]
    public void A_missing_column_is_named()
    {
        var path = Write("label_info.csv", "tag_id,name,level\n10001,a,1\n");
        var e = Assert.Throws<InvalidDataException>(() => Frames.Labels(path));
        Assert.Contains("'parent_tag_id'", e.Message);
    }

    [Fact]
    public void A_frame_displays_as_a_table_of_its_first_rows()
    {
        var frame = new DataFrame(new StringDataFrameColumn("id", Enumerable.Range(0, 30).Select(i => $"<{i}>")),
            new DoubleDataFrameColumn("x", Enumerable.Range(0, 30).Select(i => (double?)(i * 1000.5))));
        var html = Html(Table.From(frame));
        Assert.Contains("<th>id</th><th>x</th>", html);
        Assert.Contains("&lt;0&gt;", html);
        Assert.Contains("<td class=\"num\">1,000.5</td>", html);
        Assert.Contains("Showing the first 20 of 30 rows", html);
        Assert.Equal(html, Workbook.Notebooks.HtmlFormatter.ToHtml(frame));
    }

    private static string Html(Microsoft.AspNetCore.Html.IHtmlContent content)
    {
        using var writer = new StringWriter();
        content.WriteTo(writer, HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        return writer.ToString();
    }
}
