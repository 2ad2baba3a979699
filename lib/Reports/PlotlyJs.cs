using System.Reflection;

namespace Workbook.Reports;

/// <summary>The plotly.js bundle embedded in the library (pinned in lib/package-lock.json), so reports need no network.</summary>
public static class PlotlyJs
{
    private static readonly Lazy<string> Source = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The minified plotly.js source.</summary>
    public static string Script => Source.Value;

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
