using System.Text;
using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Workbook.Notebooks;

/// <summary>A heading of the notebook's markdown, for the report's contents list.</summary>
public sealed record Heading(int Level, string Text, string Id);

/// <summary>
/// Renders a notebook's markdown cells with Markdig, giving every heading an id unique across the whole notebook
/// (Markdig's own ids are only unique within one cell) and collecting the title and a one-line summary.
/// </summary>
internal sealed class MarkdownCells
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly List<Heading> _headings = [];

    public IReadOnlyList<Heading> Headings => _headings;
    public string? Title { get; private set; }
    public string? Summary { get; private set; }

    public string Render(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var block in document.Descendants())
        {
            if (block is HeadingBlock heading)
            {
                var text = PlainText(heading.Inline);
                var id = Unique(Slug(text));
                heading.GetAttributes().Id = id;
                _headings.Add(new Heading(heading.Level, text, id));
                if (heading.Level == 1) Title ??= text;
            }
            else if (block is ParagraphBlock paragraph && Summary == null && _headings.Count > 0)
            {
                Summary = PlainText(paragraph.Inline);
            }
        }
        return document.ToHtml(Pipeline);
    }

    private string Unique(string slug)
    {
        if (slug.Length == 0) slug = "section";
        var id = slug;
        for (var n = 2; !_ids.Add(id); n++) id = $"{slug}-{n}";
        return id;
    }

    private static string Slug(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c)) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        return sb.ToString().Trim('-');
    }

    private static string PlainText(ContainerInline? inline)
    {
        if (inline == null) return "";
        var sb = new StringBuilder();
        foreach (var node in inline.Descendants())
        {
            switch (node)
            {
                case LiteralInline literal: sb.Append(literal.Content.ToString()); break;
                case CodeInline code: sb.Append(code.Content); break;
                case LineBreakInline: sb.Append(' '); break;
            }
        }
        return sb.ToString().Trim();
    }
}
