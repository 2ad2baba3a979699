using System.Collections;
using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Workbook.Reports;

namespace Workbook.Notebooks;

/// <summary>
/// Turns a cell's values into HTML the way Polyglot Notebooks does for the cases that matter here: IHtmlContent is
/// trusted HTML, sequences become a <see cref="Table"/>, anything else is its text, HTML-encoded. A Plotly.NET chart
/// and a DataFrame are converted first, as the library's formatters do in a .NET Interactive kernel
/// (lib/Reports/InteractiveFormatters.cs).
/// </summary>
public static class HtmlFormatter
{
    // Encodes what HTML needs (<, >, &, quotes) but leaves letters of any script readable in the file.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static string ToHtml(object? value)
    {
        switch (value)
        {
            case null:
                return Text("null");
            // A Plotly.NET chart and a DataFrame show as the library's Figure and Table, as in VS Code.
            case Plotly.NET.GenericChart chart:
                return ToHtml(Figure.From(chart));
            case Microsoft.Data.Analysis.DataFrame frame:
                return ToHtml(Table.From(frame));
            case IHtmlContent html:
                using (var writer = new StringWriter(CultureInfo.InvariantCulture))
                {
                    html.WriteTo(writer, Encoder);
                    // The report loads plotly.js once in its head; a figure's own copy would double the page.
                    return PlotlyJs.WithoutBundle(writer.ToString());
                }
            case string s:
                return Text(s);
            case IEnumerable sequence when ElementType(value.GetType()) is { } element:
                return ToHtml(AsTable(sequence, element));
            case IFormattable f:
                return Text(Table.FormatValue(f));
            default:
                return Text(value.ToString() ?? "");
        }
    }

    /// <summary>Preformatted, HTML-encoded text.</summary>
    public static string Text(string text) => $"<pre class=\"wb-text\">{System.Net.WebUtility.HtmlEncode(text)}</pre>";

    private static Table AsTable(IEnumerable sequence, Type element)
    {
        var from = typeof(Table).GetMethods().Single(m => m.Name == nameof(Table.From) && m.IsGenericMethodDefinition).MakeGenericMethod(element);
        var cast = typeof(Enumerable).GetMethod(nameof(Enumerable.Cast))!.MakeGenericMethod(element);
        return (Table)from.Invoke(null, [cast.Invoke(null, [sequence]), 20])!;
    }

    private static Type? ElementType(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];
}
