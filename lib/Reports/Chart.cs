using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbook.Reports;

/// <summary>
/// Small factory for the charts a notebook needs, emitted as plotly.js figures. Anything else plotly.js draws is
/// one <see cref="Plotly"/> call away.
/// </summary>
public static class Chart
{
    internal const int DefaultHeight = 420;

    public static Figure Bar(IEnumerable<string> x, IEnumerable<double> y, string title, string xTitle = "", string yTitle = "") =>
        New(title, xTitle, yTitle, Trace("bar", SeriesName(title, yTitle), Strings(x), Numbers(y)));

    public static Figure Line(IEnumerable<double> x, IEnumerable<double> y, string title, string xTitle = "", string yTitle = "") =>
        New(title, xTitle, yTitle, Trace("scatter", SeriesName(title, yTitle), Numbers(x), Numbers(y), mode: "lines"));

    public static Figure Scatter(IEnumerable<double> x, IEnumerable<double> y, string title, string xTitle = "", string yTitle = "",
        IEnumerable<string>? hover = null) =>
        New(title, xTitle, yTitle, Trace("scatter", SeriesName(title, yTitle), Numbers(x), Numbers(y), mode: "markers", hover: hover));

    public static Figure Histogram(IEnumerable<double> values, string title, string xTitle = "", int? bins = null)
    {
        if (bins is <= 0) throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be positive.");
        var trace = new JsonObject { ["type"] = "histogram", ["name"] = title, ["x"] = Numbers(values) };
        if (bins is { } n) trace["nbinsx"] = n;
        return New(title, xTitle, "count", trace);
    }

    /// <summary>A heatmap of <paramref name="z"/>[row, column]; rows are labelled by <paramref name="yLabels"/>. Small grids show their values.</summary>
    public static Figure Heatmap(double[,] z, IReadOnlyList<string> xLabels, IReadOnlyList<string> yLabels, string title)
    {
        ArgumentNullException.ThrowIfNull(z);
        int rows = z.GetLength(0), cols = z.GetLength(1);
        if (xLabels.Count != cols || yLabels.Count != rows)
            throw new ArgumentException(
                $"Heatmap '{title}': z is {rows}x{cols} (rows x columns) but there are {yLabels.Count} y labels and {xLabels.Count} x labels.");
        var zRows = new JsonArray();
        for (var r = 0; r < rows; r++)
        {
            var row = new JsonArray();
            for (var c = 0; c < cols; c++) row.Add(Number(z[r, c]));
            zRows.Add(row);
        }
        var trace = new JsonObject
        {
            ["type"] = "heatmap",
            ["z"] = zRows,
            ["x"] = Strings(xLabels),
            ["y"] = Strings(yLabels),
            ["colorscale"] = "Viridis",
        };
        if (rows * cols <= 144) trace["texttemplate"] = "%{z:.3~g}";
        var figure = New(title, "", "", trace);
        return figure.Layout(l => ((JsonObject)l["yaxis"]!)["autorange"] = "reversed");
    }

    /// <summary>One box per group, in the dictionary's order.</summary>
    public static Figure Box(IReadOnlyDictionary<string, IReadOnlyList<double>> groups, string title, string yTitle = "") =>
        Box<IReadOnlyList<double>>(groups, title, yTitle);

    /// <summary>One box per group, in order; for any dictionary or sequence of (name, values) pairs, e.g. a <c>Dictionary&lt;string, List&lt;double&gt;&gt;</c>.</summary>
    public static Figure Box<TValues>(IEnumerable<KeyValuePair<string, TValues>> groups, string title, string yTitle = "")
        where TValues : IEnumerable<double>
    {
        var traces = groups.Select(g => (JsonNode)new JsonObject { ["type"] = "box", ["name"] = g.Key, ["y"] = Numbers(g.Value) });
        var layout = BaseLayout(title, "", yTitle);
        layout["showlegend"] = false;
        return new Figure(new JsonArray(traces.ToArray()), layout);
    }

    /// <summary>
    /// Any plotly.js figure: <paramref name="data"/> is one trace or a list of traces, <paramref name="layout"/> the
    /// layout; both are serialised with System.Text.Json (anonymous objects, dictionaries and JsonNodes all work).
    /// </summary>
    public static Figure Plotly(object data, object layout)
    {
        var dataNode = JsonSerializer.SerializeToNode(data, Figure.Json)
            ?? throw new ArgumentNullException(nameof(data));
        var traces = dataNode switch
        {
            JsonArray a => a,
            JsonObject o => new JsonArray(o),
            _ => throw new ArgumentException($"data must be a trace object or a list of traces, not JSON {dataNode.GetValueKind()}.", nameof(data)),
        };
        var layoutNode = JsonSerializer.SerializeToNode(layout, Figure.Json) as JsonObject
            ?? throw new ArgumentException("layout must serialise to a JSON object.", nameof(layout));
        var merged = BaseLayout("", "", "");
        foreach (var (key, value) in layoutNode.ToList())
        {
            layoutNode.Remove(key);
            merged[key] = value;
        }
        return new Figure(traces, merged);
    }

    private static Figure New(string title, string xTitle, string yTitle, JsonObject trace) =>
        new(new JsonArray(trace), BaseLayout(title, xTitle, yTitle));

    private static string SeriesName(string title, string yTitle) => yTitle.Length > 0 ? yTitle : title;

    private static JsonObject BaseLayout(string title, string xTitle, string yTitle) => new()
    {
        ["title"] = new JsonObject { ["text"] = title },
        ["xaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = xTitle }, ["automargin"] = true },
        ["yaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = yTitle }, ["automargin"] = true },
        ["height"] = DefaultHeight,
        ["margin"] = new JsonObject { ["t"] = 56, ["r"] = 24, ["b"] = 48, ["l"] = 56 },
        ["font"] = new JsonObject { ["family"] = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", ["size"] = 13 },
        ["hoverlabel"] = new JsonObject { ["namelength"] = -1 },
    };

    internal static JsonObject Trace(string type, string name, JsonArray x, JsonArray y, string? mode = null, IEnumerable<string>? hover = null)
    {
        if (x.Count != y.Count)
            throw new ArgumentException($"Series '{name}': {x.Count} x values but {y.Count} y values.");
        var trace = new JsonObject { ["type"] = type, ["name"] = name, ["x"] = x, ["y"] = y };
        if (mode != null) trace["mode"] = mode;
        if (hover != null)
        {
            var text = Strings(hover);
            if (text.Count != x.Count)
                throw new ArgumentException($"Series '{name}': {text.Count} hover texts for {x.Count} points.");
            trace["text"] = text;
            trace["hoverinfo"] = "text+x+y";
        }
        return trace;
    }

    internal static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    internal static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(Number).ToArray());

    // plotly.js draws a gap for null; NaN or infinity would not be valid JSON.
    private static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
