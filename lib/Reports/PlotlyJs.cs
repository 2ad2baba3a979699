using System.Reflection;

namespace Workbook.Reports;

/// <summary>The plotly.js bundle embedded in the library (pinned in lib/package-lock.json), so reports need no network.</summary>
public static class PlotlyJs
{
    private static readonly Lazy<string> Source = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The minified plotly.js source.</summary>
    public static string Script => Source.Value;

    private const string BundleStart = "<script data-wb-plotly>if(!window.Plotly){";
    private const string BundleEnd = "\n}</script>";

    /// <summary>The bundle as the element a figure carries when nothing else on the page loads plotly.js.</summary>
    internal static string Bundle => BundleStart + Script + BundleEnd;

    /// <summary>
    /// <paramref name="html"/> without the bundle element a figure may carry: for hosts that load plotly.js once per
    /// page themselves (the report writer), so a page never holds it twice.
    /// </summary>
    public static string WithoutBundle(string html)
    {
        var start = html.IndexOf(BundleStart, StringComparison.Ordinal);
        if (start < 0) return html;
        var end = html.IndexOf(BundleEnd, start + BundleStart.Length, StringComparison.Ordinal);
        return end < 0 ? html : string.Concat(html.AsSpan(0, start), html.AsSpan(end + BundleEnd.Length));
    }

    /// <summary>The bundle's version, read from its licence header (e.g. "4.1.2").</summary>
    public static string Version
    {
        get
        {
            var head = Script.AsSpan(0, Math.Min(200, Script.Length));
            var at = head.IndexOf("plotly.js v");
            if (at < 0) return "unknown";
            var rest = head[(at + "plotly.js v".Length)..];
            var end = rest.IndexOfAny(" \r\n*");
            return (end < 0 ? rest : rest[..end]).ToString();
        }
    }

    private static string Load()
    {
        using var stream = typeof(PlotlyJs).Assembly.GetManifestResourceStream("Workbook.Reports.plotly.min.js")
            ?? throw new InvalidOperationException("plotly.js is not embedded in Workbook.Lib; rebuild (the build runs npm ci in lib/).");
        using var reader = new StreamReader(stream);
        // A literal "</script" would end the inline <script> element early; the bundle has none today, keep it so.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    }
}
