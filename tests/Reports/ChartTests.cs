using System.Text.Json;
using System.Text.Json.Nodes;
using Workbook.Reports;

namespace Workbook.Tests.Reports;

public class ChartTests
{
    private static JsonArray Data(Figure f) => JsonNode.Parse(f.DataJson)!.AsArray();
    private static JsonObject Layout(Figure f) => JsonNode.Parse(f.LayoutJson)!.AsObject();

    private static string Html(Figure f) => Workbook.Notebooks.HtmlFormatter.ToHtml(f);

    [Fact]
    public void Bar_has_its_values_titles_and_axis_labels()
    {
        var f = Chart.Bar(["a", "b"], [1.5, 2], "Sales", "shop", "euros");
        var trace = Assert.Single(Data(f))!.AsObject();
        Assert.Equal("bar", (string?)trace["type"]);
        Assert.Equal(["a", "b"], trace["x"]!.AsArray().Select(n => (string?)n));
        Assert.Equal([1.5, 2.0], trace["y"]!.AsArray().Select(n => (double)n!));
        var layout = Layout(f);
        Assert.Equal("Sales", (string?)layout["title"]!["text"]);
        Assert.Equal("shop", (string?)layout["xaxis"]!["title"]!["text"]);
        Assert.Equal("euros", (string?)layout["yaxis"]!["title"]!["text"]);
    }

    [Fact]
    public void Every_chart_kind_emits_its_plotly_trace_type()
    {
        var groups = new Dictionary<string, IReadOnlyList<double>> { ["a"] = [1, 2, 3], ["b"] = [2, 3] };
        Assert.Equal("scatter", (string?)Data(Chart.Line([1, 2], [3, 4], "l"))[0]!["type"]);
        Assert.Equal("lines", (string?)Data(Chart.Line([1, 2], [3, 4], "l"))[0]!["mode"]);
        Assert.Equal("markers", (string?)Data(Chart.Scatter([1, 2], [3, 4], "s"))[0]!["mode"]);
        var hist = Data(Chart.Histogram([1, 2, 2, 3], "h", "x", bins: 7))[0]!;
        Assert.Equal(("histogram", 7), ((string?)hist["type"], (int)hist["nbinsx"]!));
        Assert.Equal(["box", "box"], Data(Chart.Box(groups, "b")).Select(t => (string?)t!["type"]));
        var lists = new Dictionary<string, List<double>> { ["x"] = [1, 2], ["y"] = [3] };
        Assert.Equal(["x", "y"], Data(Chart.Box(lists, "b")).Select(t => (string?)t!["name"]));
        var heat = Data(Chart.Heatmap(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, ["x1", "x2", "x3"], ["y1", "y2"], "hm"))[0]!;
        Assert.Equal("heatmap", (string?)heat["type"]);
        Assert.Equal(6.0, (double)heat["z"]![1]![2]!);
    }

    [Fact]
    public void Scatter_hover_text_is_attached_per_point()
    {
        var f = Chart.Scatter([1, 2], [3, 4], "s", hover: ["first", "second"]);
        Assert.Equal(["first", "second"], Data(f)[0]!["text"]!.AsArray().Select(n => (string?)n));
        Assert.Throws<ArgumentException>(() => Chart.Scatter([1, 2], [3, 4], "s", hover: ["only one"]));
    }

    [Fact]
    public void Mismatched_lengths_are_errors_naming_the_series()
    {
        var e = Assert.Throws<ArgumentException>(() => Chart.Bar(["a", "b"], [1], "Sales"));
        Assert.Contains("Sales", e.Message);
        Assert.Throws<ArgumentException>(() => Chart.Heatmap(new double[2, 3], ["a", "b"], ["c", "d"], "h"));
    }

    [Fact]
    public void Missing_values_become_gaps_not_invalid_json()
    {
        var f = Chart.Line([1, 2, 3], [1, double.NaN, double.PositiveInfinity], "gaps");
        var y = Data(f)[0]!["y"]!.AsArray();
        Assert.Null(y[1]);
        Assert.Null(y[2]);
    }

    [Fact]
    public void Fluent_extras_return_new_figures_and_leave_the_original_alone()
    {
        var f = Chart.Line([1, 2], [1, 2], "base");
        var g = f.AddLine("second", [1, 2], [2, 3]).AddScatter("points", [1], [1], ["p"]).AddBar("bars", ["1"], [1]).LogX().LogY().Height(600);
        Assert.Equal(1, f.TraceCount);
        Assert.Equal(4, g.TraceCount);
        Assert.Equal(["base", "second", "points", "bars"], Data(g).Select(t => (string?)t!["name"]));
        var layout = Layout(g);
        Assert.Equal(("log", "log", 600), ((string?)layout["xaxis"]!["type"], (string?)layout["yaxis"]!["type"], (int)layout["height"]!));
        Assert.Null(Layout(f)["xaxis"]!["type"]);
        Assert.Contains("height:600px", Html(g));
    }

    [Fact]
    public void Plotly_accepts_any_trace_and_layout()
    {
        var f = Chart.Plotly(
            new[] { new { type = "parcoords", dimensions = new[] { new { label = "lr", values = new[] { 0.1, 0.01 } } } } },
            new { title = new { text = "Trials" }, height = 500 });
        Assert.Equal("parcoords", (string?)Data(f)[0]!["type"]);
        Assert.Equal(("Trials", 500), ((string?)Layout(f)["title"]!["text"], (int)Layout(f)["height"]!));
        Assert.Equal("scatter", (string?)Data(Chart.Plotly(new { type = "scatter", x = new[] { 1 } }, new { }))[0]!["type"]);
        Assert.Throws<ArgumentException>(() => Chart.Plotly(42, new { }));
    }

    [Fact]
    public void Every_rendering_gets_a_unique_div_id()
    {
        var f = Chart.Bar(["a"], [1], "t");
        var ids = new[] { Html(f), Html(f), Html(Chart.Bar(["a"], [1], "t")) }
            .Select(h => System.Text.RegularExpressions.Regex.Match(h, "<div class=\"wb-figure\" id=\"([^\"]+)\"").Groups[1].Value)
            .ToList();
        Assert.All(ids, id => Assert.StartsWith("wb-fig-", id));
        Assert.Equal(3, ids.Distinct().Count());
    }

    [Fact]
    public void Text_cannot_break_out_of_the_script_element()
    {
        var html = Html(Chart.Bar(["</script><img src=x onerror=alert(1)>"], [1], "</script>title & co"));
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(html, "</script>")); // only the figure's own script closes
        Assert.DoesNotContain("<img", html);
        Assert.Contains("\\u003C/script\\u003E", html);
    }
}
