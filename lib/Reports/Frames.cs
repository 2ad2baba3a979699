using System.Globalization;
using CsvHelper;
using Microsoft.Data.Analysis;
using Workbook.SearchLogs;

namespace Workbook.Reports;

/// <summary>
/// Each raw file of <c>data/</c> as a <see cref="DataFrame"/>, for exploring with the API Polyglot users know. Every
/// column has an explicit type, so none of <c>DataFrame.LoadCsv</c>'s guesses apply: ids stay text (a 19-digit id is
/// not rounded to a float), numbers parse in the invariant culture without thousands separators ("1,5" is an error,
/// not 15), and log timestamps keep the offset they were written with. A value that does not parse is an error naming
/// the file, line and column. Domain code keeps its typed loaders (they also set bad rows aside instead of stopping);
/// a frame is a view for looking, and displays as a <see cref="Table"/> in reports and in VS Code.
/// </summary>
public static class Frames
{
    /// <summary><c>data/ranking/product_scoring.csv</c>: ids as text; <c>views</c> is null where the file leaves it empty.</summary>
    public static DataFrame ProductScoring(string path) => Read(path,
        Text("product_id"), Text("category_id"), Number("cpc"), OptionalNumber("clicks"), OptionalNumber("views"));

    /// <summary><c>search_request.csv</c>: the unnamed pandas index as <c>row</c>, user ids as text, timestamps with their offset.</summary>
    public static DataFrame SearchRequests(string path) => Read(path,
        Integer("", "row"), Text("search_id"), Text("search_query"), Timestamp("ts"), Text("cuid"), Integer("total"));

    /// <summary><c>search_result_interaction.csv</c>: the unnamed pandas index as <c>row</c>, clip ids as text, timestamps with their offset.</summary>
    public static DataFrame SearchClicks(string path) => Read(path,
        Integer("", "row"), Text("search_id"), Timestamp("ts"), Text("cid"), Integer("position"));

    /// <summary>A catalogue's <c>data.csv</c> (or <c>data.zip</c>): every column text but <c>price</c> (null where empty).</summary>
    public static DataFrame Products(string path) => Read(path,
        Text("id"), Text("name"), Text("description"), OptionalNumber("price"), Text("shop"), Text("brand"), Text("labels"));

    /// <summary>A catalogue's <c>label_info.csv</c>: tag ids as text, the level as a number.</summary>
    public static DataFrame Labels(string path) => Read(path,
        Text("tag_id"), Text("name"), Integer("level"), Text("parent_tag_id"));

    private sealed record Column(string Header, string Name, Func<DataFrameColumn> Create, Func<string, object?> Parse, string Expected);

    private static Column Text(string header) => new(header, header, () => new StringDataFrameColumn(header), v => v, "text");

    private static Column Number(string header) => new(header, header, () => new DoubleDataFrameColumn(header),
        v => ParseDouble(v) ?? throw Bad(), "a number like 1.5 (invariant culture, no thousands separator)");

    private static Column OptionalNumber(string header) => new(header, header, () => new DoubleDataFrameColumn(header),
        v => v.Length == 0 ? null : ParseDouble(v) ?? throw Bad(), "empty or a number like 1.5 (invariant culture, no thousands separator)");

    private static Column Integer(string header, string? name = null) => new(header, name ?? header, () => new Int64DataFrameColumn(name ?? header),
        v => long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw Bad(), "a whole number");

    private static Column Timestamp(string header) => new(header, header, () => new PrimitiveDataFrameColumn<DateTimeOffset>(header),
        v => LogTimestamp.TryParse(v, out var ms, out var offset) is null
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromMinutes(offset))
            : throw Bad(), "a timestamp with its UTC offset, e.g. 2020-03-10 09:24:31.000 -0400");

    private static double? ParseDouble(string v) =>
        double.TryParse(v, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out var d) ? d : null;

    private static FormatException Bad() => new();

    private static DataFrame Read(string path, params Column[] columns)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found.", path);
        DataLineage.Record(path);
        using var csv = CsvReader.Create(global::Workbook.Products.ProductCatalog.OpenStream(path), new CsvReaderOptions { TrackLineNumbers = true }, leaveOpen: false);
        var header = csv.Headers.ToArray();
        var ordinals = columns.Select(c => Array.IndexOf(header, c.Header)).ToArray();
        for (var i = 0; i < columns.Length; i++)
            if (ordinals[i] < 0)
                throw new InvalidDataException($"{path}: the header has no column '{columns[i].Header}' (it has {string.Join(",", header)}).");
        var built = columns.Select(c => c.Create()).ToArray();
        while (csv.Read())
        {
            for (var i = 0; i < columns.Length; i++)
            {
                var raw = csv.GetString(ordinals[i]);
                object? value;
                try
                {
                    value = columns[i].Parse(raw);
                }
                catch (FormatException)
                {
                    var shown = columns[i].Header.Length == 0 ? "the unnamed first column" : $"column '{columns[i].Header}'";
                    throw new InvalidDataException($"{path}, line {csv.LineNumber}, {shown}: '{raw}' is not {columns[i].Expected}.");
                }
                Append(built[i], value);
            }
        }
        return new DataFrame(built);
    }

    private static void Append(DataFrameColumn column, object? value)
    {
        switch (column)
        {
            case StringDataFrameColumn s: s.Append((string?)value); break;
            case DoubleDataFrameColumn d: d.Append((double?)value); break;
            case Int64DataFrameColumn l: l.Append((long?)value); break;
            case PrimitiveDataFrameColumn<DateTimeOffset> t: t.Append((DateTimeOffset?)value); break;
            default: throw new InvalidOperationException($"Frames: no append for {column.GetType().Name}.");
        }
    }
}
