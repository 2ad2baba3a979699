using System.Globalization;
using System.Net;
using System.Text;
using Workbook.Reports;

namespace Workbook.Notebooks;

/// <summary>
/// Writes a notebook run as one self-contained HTML file: CSS and plotly.js inlined once, a contents list, every
/// cell's outputs (errors in place), and the run's metadata (date, commit, per-cell durations, data file hashes).
/// </summary>
public static class NotebookReport
{
    private static readonly Lazy<string> Css = new(() =>
    {
        using var stream = typeof(NotebookReport).Assembly.GetManifestResourceStream("Workbook.Notebooks.report.css")!;
        return new StreamReader(stream).ReadToEnd();
    });

    /// <summary>Shared page style (the index uses it too).</summary>
    internal static string Style => Css.Value;

    /// <summary>Writes <c>&lt;directory&gt;/&lt;notebook&gt;.html</c> atomically and returns its path.</summary>
    public static string Write(NotebookRun run, string directory)
    {
        var path = Path.Combine(directory, run.Notebook.Name + ".html");
        AtomicFile.WriteAllText(path, Render(run));
        return path;
    }

    /// <summary>The report's HTML.</summary>
    public static string Render(NotebookRun run)
    {
        var markdown = new MarkdownCells();
        var cells = new List<string>(run.Cells.Count);
        var titleCell = -1;
        foreach (var cell in run.Cells)
        {
            cells.Add(RenderCell(cell, markdown));
            if (titleCell < 0 && markdown.Title != null) titleCell = cells.Count - 1;
        }
        // The contents list goes below the title: before the title cell's first section, else right after that cell.
        var contents = Contents(markdown.Headings);
        var firstSection = titleCell >= 0 ? cells[titleCell].IndexOf("<h2", StringComparison.Ordinal) : -1;
        if (firstSection >= 0) cells[titleCell] = cells[titleCell].Insert(firstSection, contents);
        else cells.Insert(titleCell + 1, contents);
        var body = new StringBuilder();
        foreach (var c in cells) body.Append(c);

        var title = markdown.Title ?? run.Notebook.Name;
        var summary = markdown.Summary ?? "";
        var html = new StringBuilder(PlotlyJs.Script.Length + body.Length + 16_384);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append($"<title>{Enc(title)}</title>\n")
            .Append($"<meta name=\"workbook-title\" content=\"{Enc(title)}\">\n")
            .Append($"<meta name=\"workbook-summary\" content=\"{Enc(Shorten(summary, 240))}\">\n")
            .Append($"<meta name=\"workbook-status\" content=\"{(run.Failed ? "failed" : "ok")}\">\n")
            .Append($"<meta name=\"workbook-rendered\" content=\"{run.StartedUtc:yyyy-MM-dd HH:mm} UTC\">\n")
            .Append($"<meta name=\"workbook-source\" content=\"{Enc(System.IO.Path.GetFullPath(run.Notebook.Path))}\">\n")
            .Append("<style>\n").Append(Style).Append("</style>\n");
        if (UsesPlotly(body)) html.Append("<script>").Append(PlotlyJs.Script).Append("\n</script>\n");
        html.Append("</head>\n<body>\n<div class=\"wb-page\">\n")
            .Append($"<div class=\"wb-top\"><a href=\"index.html\">&larr; all reports</a><span>{Enc(run.Notebook.Path)} · rendered {run.StartedUtc:yyyy-MM-dd HH:mm} UTC · commit {Enc(ShortCommit(run.Provenance))}</span></div>\n");
        if (run.Cache is { } cache)
            html.Append($"<p class=\"wb-cached\">Code outputs from the cache: they were computed by the run of {cache.RunStartedUtc:yyyy-MM-dd HH:mm} UTC " +
                        $"({Duration(cache.RunDuration)}); the notebook's code, the library and every file that run read are unchanged since. " +
                        "The text around them is rendered from the notebook as it is now.</p>\n");
        if (run.Live is { } note) html.Append(LiveNote(note, run));
        if (markdown.Title == null) html.Append($"<h1>{Enc(title)}</h1>\n");
        if (run.Failed)
        {
            html.Append("<div class=\"wb-error wb-failed-banner\"><strong>This notebook did not run to the end.</strong><ul>");
            foreach (var e in run.Errors)
                html.Append($"<li><a href=\"#cell-{e.Cell}\">{Enc(e.Message)}</a></li>");
            html.Append("</ul></div>\n");
        }
        html.Append("<main>\n").Append(body).Append("</main>\n")
            .Append(Metadata(run))
            .Append("</div>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string RenderCell(CellRun run, MarkdownCells markdown)
    {
        var cell = run.Cell;
        if (cell.Kind == CellKind.Markdown)
            return $"<section class=\"wb-cell wb-md\" id=\"cell-{cell.Number}\">\n{markdown.Render(cell.Source)}</section>\n";
        var sb = new StringBuilder();
        sb.Append($"<section class=\"wb-cell wb-code\" id=\"cell-{cell.Number}\">")
            .Append($"<details><summary>C# · cell {cell.Number} · line {cell.FirstLine}")
            .Append(run.Status == CellStatus.Skipped ? " · not run" : $" · {Duration(run.Duration)}")
            .Append(run.Live is { } live ? LiveBadge(live, run.Status) : "")
            .Append($"</summary><pre><code class=\"language-csharp\">{Enc(cell.Source)}</code></pre></details>");
        sb.Append("<div class=\"wb-outputs\">");
        if (run.Status == CellStatus.Skipped)
            sb.Append("<p class=\"wb-skipped\">Not run: an earlier cell failed.</p>");
        foreach (var output in run.Outputs)
            sb.Append(output.Html);
        sb.Append("</div></section>\n");
        return sb.ToString();
    }

    // report --watch: which cells ran now and which outputs (and script state) come from an earlier run.
    private static string LiveBadge(LiveCell live, CellStatus status) => live.Reused
        ? $" · <span class=\"wb-live reused\" data-live=\"reused\" data-runs=\"{live.Runs}\">reused: output and state from run {live.RunNumber} ({live.RanUtc:HH:mm:ss} UTC), ran {live.Runs}×</span>"
        : $" · <span class=\"wb-live ran\" data-live=\"ran\" data-runs=\"{live.Runs}\">{(status == CellStatus.Failed ? "failed" : "ran")} in run {live.RunNumber} ({live.RanUtc:HH:mm:ss} UTC), ran {live.Runs}×</span>";

    private static string LiveNote(LiveRunNote note, NotebookRun run)
    {
        var why = note.Restarted switch
        {
            null => "",
            "" => " Started fresh.",
            var reason => $" Restarted from the first cell: {Enc(reason)}.",
        };
        var state = note.Reused > 0
            ? $" The first {note.Reused} code cell{(note.Reused == 1 ? "" : "s")} did not run again: their outputs and the script state after them come from earlier runs (marked <em>reused</em>; " +
              "an object they made keeps whatever later cells of earlier runs did to it)."
            : "";
        return $"<p class=\"wb-live-note\" data-run=\"{note.RunNumber}\">Live run {note.RunNumber} at {run.StartedUtc:HH:mm:ss} UTC: " +
               $"{note.Reran} code cell{(note.Reran == 1 ? "" : "s")} ran ({Duration(run.Duration)}).{state}{why}</p>\n";
    }

    private static string Contents(IReadOnlyList<Heading> headings)
    {
        var listed = headings.Where(h => h.Level is 2 or 3).ToList();
        if (listed.Count == 0) return "";
        var sb = new StringBuilder("<nav class=\"wb-toc\"><h2>Contents</h2><ul>");
        foreach (var h in listed)
            sb.Append($"<li class=\"l{h.Level}\"><a href=\"#{Enc(h.Id)}\">{Enc(h.Text)}</a></li>");
        sb.Append("<li><a href=\"#run-metadata\">Run metadata</a></li></ul></nav>\n");
        return sb.ToString();
    }

    private static string Metadata(NotebookRun run)
    {
        var p = run.Provenance;
        var sb = new StringBuilder("<section class=\"wb-meta\" id=\"run-metadata\"><h2>Run metadata</h2><table>");
        void Row(string k, string v) => sb.Append($"<tr><th>{Enc(k)}</th><td>{v}</td></tr>");
        Row("notebook", $"<code>{Enc(run.Notebook.Path)}</code>");
        Row("rendered", Enc($"{run.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC"));
        Row("commit", $"<code>{Enc(p.Commit)}</code>{(p.Dirty ? " (with uncommitted changes)" : "")}");
        Row("total duration", Enc(Duration(run.Duration)));
        if (run.Cache is { } cache)
            Row("code outputs", Enc($"from the cache: computed by the run of {cache.RunStartedUtc:yyyy-MM-dd HH:mm:ss} UTC at the commit above; this page was rendered {run.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC"));
        Row("runtime", Enc($".NET {Environment.Version}, plotly.js {PlotlyJs.Version}"));
        sb.Append("</table>");

        var code = run.Cells.Where(c => c.Cell.Kind == CellKind.CSharp).ToList();
        if (code.Count > 0)
        {
            sb.Append("<h3>Cells</h3><table><thead><tr><th>cell</th><th>.dib line</th><th>status</th><th>duration</th><th>of which compile</th></tr></thead><tbody>");
            foreach (var c in code)
                sb.Append($"<tr><td><a href=\"#cell-{c.Cell.Number}\">{c.Cell.Number}</a></td><td class=\"num\">{c.Cell.FirstLine}</td>")
                    .Append($"<td>{c.Status.ToString().ToLowerInvariant()}</td><td class=\"num\">{Duration(c.Duration)}</td><td class=\"num\">{Duration(c.Compile)}</td></tr>");
            sb.Append("</tbody></table>");
        }

        if (run.Derived.Count > 0)
        {
            sb.Append("<h3>Derived data</h3><p>Built by <code>dotnet run -- make</code>; <code>make --provenance</code> lists the hashes of each target's inputs, parameters and code.</p>")
                .Append("<table><thead><tr><th>target</th><th>built</th><th>commit</th><th>outputs</th></tr></thead><tbody>");
            foreach (var d in run.Derived)
                sb.Append($"<tr><td><code>{Enc(d.Target)}</code></td><td>{d.BuiltUtc:yyyy-MM-dd HH:mm} UTC</td>")
                    .Append($"<td><code>{Enc(d.Commit.Length > 10 ? d.Commit[..10] : d.Commit)}{(d.Dirty ? "+" : "")}</code></td>")
                    .Append($"<td>{string.Join(", ", d.Outputs.Select(o => $"<code>{Enc(o)}</code>"))}</td></tr>");
            sb.Append("</tbody></table>");
        }
        sb.Append("<h3>Data files read</h3>");
        if (p.Files.Count == 0)
        {
            sb.Append("<p>None recorded.</p>");
        }
        else
        {
            // Shown relative to the workbook the notebook belongs to (the folder above notebooks/) when they lie in it.
            var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(run.Notebook.Path)));
            sb.Append("<table><thead><tr><th>file</th><th>bytes</th><th>SHA-256</th></tr></thead><tbody>");
            foreach (var f in p.Files)
            {
                var shown = root != null && f.Path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.GetRelativePath(root, f.Path) : f.Path;
                sb.Append($"<tr><td><code>{Enc(shown)}</code></td><td class=\"num\">{f.Bytes.ToString("N0", CultureInfo.InvariantCulture)}</td><td><code>{f.Sha256}</code></td></tr>");
            }
            sb.Append("</tbody></table>");
        }
        sb.Append("</section>\n");
        return sb.ToString();
    }

    private static bool UsesPlotly(StringBuilder body) => body.ToString().Contains("Plotly.newPlot", StringComparison.Ordinal);

    internal static string ShortCommit(Provenance p) =>
        (p.Commit.Length > 10 ? p.Commit[..10] : p.Commit) + (p.Dirty ? "+" : "");

    /// <summary>A duration as reports show it: "12 ms" or "3.4 s".</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalSeconds >= 1 ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
            : t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    internal static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";

    internal static string Enc(string text) => WebUtility.HtmlEncode(text);
}
