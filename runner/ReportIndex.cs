using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Workbook.Reports;

namespace Workbook.Notebooks;

/// <summary>
/// <c>reports/index.html</c>: every report in the folder with its title, status and one-line summary, read back from
/// the reports' own meta tags so rendering one notebook keeps the others listed. A report whose notebook no longer
/// exists is kept (it may be the only record of a result) but marked stale rather than listed as current.
/// </summary>
public static partial class ReportIndex
{
    /// <param name="Source">The notebook the report was rendered from; empty for reports older than that tag.</param>
    public sealed record Entry(string File, string Title, string Summary, string Status, string Rendered, string Source)
    {
        public bool Stale => Source.Length > 0 && !System.IO.File.Exists(Source);
    }

    public const string FileName = "index.html";

    /// <summary>True for a notebook (<c>index.dib</c>) whose report would be written over the index.</summary>
    public static bool IsReservedNotebook(string notebookPath) =>
        string.Equals(Path.GetFileNameWithoutExtension(notebookPath) + ".html", FileName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The reports in <paramref name="directory"/>, by file name.</summary>
    public static IReadOnlyList<Entry> Read(string directory) =>
        !Directory.Exists(directory) ? [] :
        Directory.EnumerateFiles(directory, "*.html")
            .Where(f => !string.Equals(Path.GetFileName(f), FileName, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(ReadEntry)
            .ToList();

    /// <summary>Writes the index atomically and returns its path.</summary>
    public static string Write(string directory)
    {
        var entries = Read(directory);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Workbook reports</title>\n<style>\n").Append(NotebookReport.Style).Append("</style>\n</head>\n<body>\n<div class=\"wb-page\">\n")
            .Append("<h1>Workbook reports</h1>\n<p>One self-contained page per notebook in <code>notebooks/</code>, rendered by <code>dotnet run -- report</code>. ")
            .Append("Each page lists the commit, the duration of every cell and the SHA-256 of every data file it read.</p>\n")
            .Append("<div class=\"wb-index\"><ul>\n");
        foreach (var e in entries)
        {
            var badge = e.Status == "ok" ? "<span class=\"wb-badge ok\">ok</span>" : $"<span class=\"wb-badge failed\">{Enc(e.Status)}</span>";
            if (e.Stale) badge += " <span class=\"wb-badge stale\">stale: notebook removed</span>";
            sb.Append($"<li><a href=\"{Uri.EscapeDataString(Path.GetFileName(e.File))}\"><strong>{Enc(e.Title)}</strong></a> {badge} ")
                .Append($"<small>{Enc(Path.GetFileNameWithoutExtension(e.File))} · {Enc(e.Rendered)}</small>")
                .Append($"<p class=\"summary\">{Enc(e.Summary)}</p></li>\n");
        }
        if (entries.Count == 0) sb.Append("<li>No reports yet: run <code>dotnet run -- report</code>.</li>\n");
        sb.Append("</ul></div>\n</div>\n</body>\n</html>\n");
        var path = Path.Combine(directory, FileName);
        AtomicFile.WriteAllText(path, sb.ToString());
        return path;
    }

    private static Entry ReadEntry(string file)
    {
        // The meta tags are in the head, before the inlined plotly.js: read only the start of the file.
        using var reader = new StreamReader(file);
        var buffer = new char[8192];
        var head = new string(buffer, 0, reader.ReadBlock(buffer));
        string Meta(string name, string fallback)
        {
            var m = MetaTag().Matches(head).FirstOrDefault(x => x.Groups[1].Value == name);
            return m == null ? fallback : WebUtility.HtmlDecode(m.Groups[2].Value);
        }
        var name = Path.GetFileNameWithoutExtension(file);
        return new Entry(file, Meta("workbook-title", name), Meta("workbook-summary", ""), Meta("workbook-status", "unknown"), Meta("workbook-rendered", ""), Meta("workbook-source", ""));
    }

    private static string Enc(string text) => WebUtility.HtmlEncode(text);

    [GeneratedRegex(@"<meta name=""(workbook-[a-z]+)"" content=""([^""]*)"">")]
    private static partial Regex MetaTag();
}
