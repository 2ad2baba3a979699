using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.Data.Analysis;

namespace Workbook.Reports;

/// <summary>
/// An HTML table of the first rows of a sequence, with per-column number formats. A truncated table says how many
/// rows were left out, so a reader never mistakes a preview for the whole. Every value is HTML-encoded.
/// </summary>
public sealed class Table : IHtmlContent
{
    private readonly IReadOnlyList<string> _headers;
    private readonly IReadOnlyList<object?[]> _rows;
    private readonly IReadOnlyDictionary<string, string> _formats;
    private readonly string? _caption;

    private Table(IReadOnlyList<string> headers, IReadOnlyList<object?[]> rows, int totalRows,
        IReadOnlyDictionary<string, string> formats, string? caption)
    {
        _headers = headers;
        _rows = rows;
        TotalRows = totalRows;
        _formats = formats;
        _caption = caption;
    }

    /// <summary>Column names, in order.</summary>
    public IReadOnlyList<string> Columns => _headers;

    /// <summary>Rows in the source sequence.</summary>
    public int TotalRows { get; }

    /// <summary>Rows the table shows (at most maxRows).</summary>
    public int ShownRows => _rows.Count;

    /// <summary>
    /// One row per item; public instance properties and fields become columns, in declaration order (records and
    /// anonymous types work). Items of a simple type (numbers, strings, dates) make a single "value" column.
    /// </summary>
    public static Table From<T>(IEnumerable<T> rows, int maxRows = 20)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var type = typeof(T);
        if (IsSimple(type))
            return Build(["value"], rows.Select(r => new object?[] { r }), maxRows);
        var members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m is PropertyInfo { CanRead: true } p && p.GetIndexParameters().Length == 0 || m is FieldInfo)
            .OrderBy(m => m.MetadataToken)
            .ToList();
        if (members.Count == 0)
            throw new ArgumentException($"Table.From<{type.Name}>: the type has no public properties or fields to show.");
        var getters = members.Select<MemberInfo, Func<object, object?>>(m => m switch
        {
            PropertyInfo p => o => p.GetValue(o),
            FieldInfo f => o => f.GetValue(o),
            _ => throw new InvalidOperationException(),
        }).ToArray();
        return Build(members.Select(m => m.Name).ToList(),
            rows.Select(r => r is null ? new object?[getters.Length] : getters.Select(g => g(r!)).ToArray()), maxRows);
    }

    /// <summary>
    /// The first rows of a <see cref="DataFrame"/> under its column names (how a frame displays in reports and in
    /// VS Code): values keep their types, so numbers align and format like any other table's; nulls are empty cells.
    /// </summary>
    public static Table From(DataFrame frame, int maxRows = 20)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var columns = frame.Columns;
        var total = frame.Rows.Count;
        var shown = (int)Math.Min(total, Math.Max(0, maxRows));
        var rows = Enumerable.Range(0, shown).Select(r => columns.Select(c => c[r]).ToArray());
        var table = Build(columns.Select(c => c.Name).ToList(), rows, maxRows);
        return new Table(table._headers, table._rows, checked((int)total), table._formats, null);
    }

    /// <summary>Rows given as arrays of values under <paramref name="headers"/>.</summary>
    public static Table FromRows(IReadOnlyList<string> headers, IEnumerable<object?[]> rows, int maxRows = 20)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var checkedRows = rows.Select((r, i) => r.Length == headers.Count ? r : throw new ArgumentException(
            $"Table.FromRows: row {i + 1} has {r.Length} values but there are {headers.Count} headers ({string.Join(", ", headers)})."));
        return Build(headers.ToList(), checkedRows, maxRows);
    }

    /// <summary>
    /// Formats <paramref name="column"/>'s values with a .NET format string (invariant culture), e.g. "0.000", "P1",
    /// "N0", "yyyy-MM-dd".
    /// </summary>
    public Table Format(string column, string format)
    {
        if (!_headers.Contains(column))
            throw new ArgumentException($"Table has no column '{column}'; columns are: {string.Join(", ", _headers)}.", nameof(column));
        var formats = new Dictionary<string, string>(_formats) { [column] = format };
        return new Table(_headers, _rows, TotalRows, formats, _caption);
    }

    /// <summary>A caption shown above the table.</summary>
    public Table Caption(string caption) => new(_headers, _rows, TotalRows, _formats, caption);

    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        writer.Write("<div class=\"wb-table\"><table>");
        if (_caption != null) writer.Write($"<caption>{encoder.Encode(_caption)}</caption>");
        writer.Write("<thead><tr>");
        foreach (var h in _headers) writer.Write($"<th>{encoder.Encode(h)}</th>");
        writer.Write("</tr></thead><tbody>");
        foreach (var row in _rows)
        {
            writer.Write("<tr>");
            for (var c = 0; c < row.Length; c++)
            {
                var value = row[c];
                writer.Write(IsNumber(value) ? "<td class=\"num\">" : "<td>");
                writer.Write(encoder.Encode(FormatValue(value, _formats.GetValueOrDefault(_headers[c]))));
                writer.Write("</td>");
            }
            writer.Write("</tr>");
        }
        writer.Write("</tbody></table>");
        var left = TotalRows - _rows.Count;
        if (left > 0)
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"<p class=\"wb-more\">Showing the first {_rows.Count:N0} of {TotalRows:N0} rows; {left:N0} more not shown.</p>"));
        writer.Write("</div>");
    }

    public override string ToString() => $"Table ({_headers.Count} columns, {ShownRows} of {TotalRows} rows shown)";

    /// <summary>A value as the table shows it without a column format: invariant culture, doubles to 4 decimals.</summary>
    public static string FormatValue(object? value, string? format = null)
    {
        if (value is null) return "";
        if (format != null && value is IFormattable f) return f.ToString(format, CultureInfo.InvariantCulture);
        return value switch
        {
            string s => s,
            double d => FormatDouble(d),
            float x => FormatDouble(x),
            decimal m => m.ToString("#,0.####", CultureInfo.InvariantCulture),
            DateTime t => t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IEnumerable e => string.Join(", ", e.Cast<object?>().Take(20).Select(v => FormatValue(v))),
            IFormattable other => other.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    private static string FormatDouble(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "∞" : "-∞";
        var abs = Math.Abs(d);
        return abs != 0 && (abs < 1e-4 || abs >= 1e15)
            ? d.ToString("0.###e+0", CultureInfo.InvariantCulture)
            : d.ToString("#,0.####", CultureInfo.InvariantCulture);
    }

    private static Table Build(IReadOnlyList<string> headers, IEnumerable<object?[]> rows, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        var kept = new List<object?[]>(Math.Min(maxRows, 1024));
        var total = 0;
        foreach (var row in rows)
        {
            if (total < maxRows) kept.Add(row);
            total++;
        }
        return new Table(headers, kept, total, new Dictionary<string, string>(), null);
    }

    private static bool IsNumber(object? v) => v is byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal;

    private static bool IsSimple(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime)
            || t == typeof(DateTimeOffset) || t == typeof(TimeSpan) || t == typeof(Guid) || t == typeof(DateOnly);
    }
}
