using Workbook.Reports;

namespace Workbook.Tests.Reports;

public class TableTests
{
    private sealed record Row(string Name, double Score, int Count);

    private static string Html(Table t) => Workbook.Notebooks.HtmlFormatter.ToHtml(t);

    [Fact]
    public void Record_properties_become_columns_in_declaration_order()
    {
        var t = Table.From([new Row("a", 0.5, 3)]);
        Assert.Equal(["Name", "Score", "Count"], t.Columns);
        Assert.Contains("<th>Name</th><th>Score</th><th>Count</th>", Html(t));
        Assert.Contains("<td class=\"num\">0.5</td>", Html(t));
    }

    [Fact]
    public void Anonymous_types_tuples_and_simple_values_work()
    {
        Assert.Equal(["A", "B"], Table.From([new { A = 1, B = "x" }]).Columns);
        Assert.Equal(["Item1", "Item2"], Table.From([(1, "x")]).Columns);
        Assert.Equal(["value"], Table.From([1.0, 2.0]).Columns);
    }

    [Fact]
    public void Truncation_says_how_many_rows_were_left_out()
    {
        var t = Table.From(Enumerable.Range(1, 1234).Select(i => new Row($"r{i}", i, i)), maxRows: 20);
        Assert.Equal((20, 1234), (t.ShownRows, t.TotalRows));
        var html = Html(t);
        Assert.Contains("Showing the first 20 of 1,234 rows; 1,214 more not shown.", html);
        Assert.Equal(21, html.Split("<tr>").Length - 1); // header + 20 rows
        Assert.DoesNotContain("more not shown", Html(Table.From(Enumerable.Range(1, 20).Select(i => new Row("r", i, i)))));
    }

    [Fact]
    public void Column_formats_apply_to_their_column_only()
    {
        var t = Table.From([new Row("a", 0.12345, 1234567)]).Format("Score", "P1").Format("Count", "N0");
        var html = Html(t);
        Assert.Contains(">12.3 %<", html);
        Assert.Contains(">1,234,567<", html);
        var e = Assert.Throws<ArgumentException>(() => t.Format("Nope", "0"));
        Assert.Contains("Name, Score, Count", e.Message);
    }

    [Fact]
    public void Every_value_header_and_caption_is_html_encoded()
    {
        var t = Table.FromRows(["<h>"], [["<script>x</script>"], [null], ["a & b"]]).Caption("<caption>");
        var html = Html(t);
        Assert.Contains("&lt;script&gt;x&lt;/script&gt;", html);
        Assert.Contains("<th>&lt;h&gt;</th>", html);
        Assert.Contains("a &amp; b", html);
        Assert.Contains("&lt;caption&gt;", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public void Rows_of_the_wrong_width_are_errors_naming_the_row()
    {
        var e = Assert.Throws<ArgumentException>(() => Table.FromRows(["a", "b"], [[1, 2], [3]]));
        Assert.Contains("row 2 has 1 values but there are 2 headers", e.Message);
    }

    [Fact]
    public void Default_number_formats_are_invariant_and_readable()
    {
        Assert.Equal("1,234.5679", Table.FormatValue(1234.56789));
        Assert.Equal("1.235e-5", Table.FormatValue(0.000012345));
        Assert.Equal("NaN", Table.FormatValue(double.NaN));
        Assert.Equal("6288767857890040299", Table.FormatValue(6288767857890040299L));
        Assert.Equal("2024-03-01", Table.FormatValue(new DateTime(2024, 3, 1)));
        Assert.Equal("a, b", Table.FormatValue(new[] { "a", "b" }));
    }
}
