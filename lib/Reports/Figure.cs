using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Html;
using Defaults = Plotly.NET.Defaults;
using GenericChart = Plotly.NET.GenericChart;

namespace Workbook.Reports;

/// <summary>
/// A plotly.js figure (traces + layout as JSON) that renders as HTML, in a report and in Polyglot Notebooks alike.
/// Immutable: the fluent methods return a new figure, so a figure shown twice never changes behind the reader's back.
/// </summary>
public sealed class Figure : IHtmlContent
{
    private static long _counter;
    // Distinguishes figures of different processes shown in one notebook view (kernel restarts keep old outputs).
    private static readonly string ProcessPrefix = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 3));
    private static int _plotlyInlined;

    internal static readonly JsonSerializerOptions Json = new()
    {
        // Default encoder: '<', '>' and '&' are escaped as \u003C..., so JSON is safe inside <script>.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly JsonArray _data;
    private readonly JsonObject _layout;

    internal Figure(JsonArray data, JsonObject layout)
    {
        _data = data;
        _layout = layout;
    }

    /// <summary>The plotly.js traces, as JSON.</summary>
    public string DataJson => _data.ToJsonString(Json);

    /// <summary>The plotly.js layout, as JSON.</summary>
    public string LayoutJson => _layout.ToJsonString(Json);

    /// <summary>Number of traces.</summary>
    public int TraceCount => _data.Count;

    /// <summary>The layout title, or "" when none.</summary>
    public string Title => _layout["title"]?["text"]?.GetValue<string>() ?? "";

    /// <summary>
    /// A Plotly.NET chart as a workbook figure, drawn by the pinned plotly.js (offline) instead of Plotly.NET's CDN
    /// loader: its traces and layout, Plotly.NET's template included. Plotly.NET's default width is dropped so the
    /// figure fills the page like the others; any other width, and the height, are kept. This is how a returned
    /// GenericChart displays in reports and in VS Code, so call it only to go on with the fluent methods here.
    /// </summary>
    public static Figure From(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var figure = JsonNode.Parse(GenericChart.toFigureJson(chart))!.AsObject();
        var data = figure["data"]?.AsArray() ?? [];
        var layout = figure["layout"]?.AsObject() ?? [];
        figure.Remove("data");
        figure.Remove("layout");
        if (layout["width"] is JsonValue w && w.TryGetValue<int>(out var width) && width == Defaults.DefaultWidth) layout.Remove("width");
        if (layout["height"] is JsonValue h && !h.TryGetValue<int>(out _)) layout.Remove("height");
        return new Figure(data, layout);
    }

    public Figure AddBar(string name, IEnumerable<string> x, IEnumerable<double> y) =>
        With(Chart.Trace("bar", name, Chart.Strings(x), Chart.Numbers(y)));

    public Figure AddLine(string name, IEnumerable<double> x, IEnumerable<double> y) =>
        With(Chart.Trace("scatter", name, Chart.Numbers(x), Chart.Numbers(y), mode: "lines"));

    public Figure AddScatter(string name, IEnumerable<double> x, IEnumerable<double> y, IEnumerable<string>? hover = null) =>
        With(Chart.Trace("scatter", name, Chart.Numbers(x), Chart.Numbers(y), mode: "markers", hover: hover));

    /// <summary>Logarithmic x axis.</summary>
    public Figure LogX() => WithLayout(l => Axis(l, "xaxis")["type"] = "log");

    /// <summary>Logarithmic y axis.</summary>
    public Figure LogY() => WithLayout(l => Axis(l, "yaxis")["type"] = "log");

    /// <summary>Height in CSS pixels (default 420).</summary>
    public Figure Height(int pixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pixels, 50);
        return WithLayout(l => l["height"] = pixels);
    }

    /// <summary>Any other layout change, e.g. <c>f.Layout(l => l["barmode"] = "stack")</c>.</summary>
    public Figure Layout(Action<JsonObject> change) => WithLayout(change);

    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        var id = $"wb-fig-{ProcessPrefix}-{Interlocked.Increment(ref _counter)}";
        var height = _layout["height"]?.GetValue<int>() ?? Chart.DefaultHeight;
        // Polyglot Notebooks needs plotly.js with the first figure of the process; a host that loads it once per page
        // (the report writer) removes this element again (PlotlyJs.WithoutBundle).
        if (Interlocked.Exchange(ref _plotlyInlined, 1) == 0)
            writer.Write(PlotlyJs.Bundle);
        writer.Write($"<div class=\"wb-figure\" id=\"{id}\" style=\"height:{height.ToString(CultureInfo.InvariantCulture)}px\"></div>");
        writer.Write("<script>(function(){var el=document.getElementById('");
        writer.Write(id);
        writer.Write("');var data=");
        writer.Write(DataJson);
        writer.Write(";var layout=");
        writer.Write(LayoutJson);
        writer.Write(";function draw(){Plotly.newPlot(el,data,layout,{responsive:true,displaylogo:false});}");
        writer.Write("if(window.Plotly){draw();}else{el.textContent='plotly.js is not loaded: run the first chart cell again.';}");
        writer.Write("})();</script>");
    }

    public override string ToString() => $"Figure \"{Title}\" ({TraceCount} trace(s))";

    private Figure With(JsonObject trace)
    {
        var data = (JsonArray)_data.DeepClone();
        data.Add(trace);
        return new Figure(data, (JsonObject)_layout.DeepClone());
    }

    private Figure WithLayout(Action<JsonObject> change)
    {
        var layout = (JsonObject)_layout.DeepClone();
        change(layout);
        return new Figure((JsonArray)_data.DeepClone(), layout);
    }

    private static JsonObject Axis(JsonObject layout, string name)
    {
        if (layout[name] is JsonObject axis) return axis;
        axis = new JsonObject();
        layout[name] = axis;
        return axis;
    }
}
