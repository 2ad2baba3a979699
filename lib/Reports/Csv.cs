using CsvHelper;

namespace Workbook.Reports;

/// <summary>
/// Reads a CSV file into rows of a <see cref="CsvRecordAttribute"/> type with CsvHelper and records the file in
/// <see cref="DataLineage"/>, so the report of the notebook that read it lists its SHA-256. Header names are matched
/// ignoring case and underscores (<c>product_id</c> fills <c>ProductId</c>); a bad field is an error naming the
/// file, the line and the field.
/// </summary>
public static class Csv
{
    public static IReadOnlyList<T> Read<T>(string path)
    {
        DataLineage.Record(path);
        var options = CsvReaderOptions.Default with
        {
            TrackLineNumbers = true,
            NormalizeHeaderName = name => name.Replace("_", "", StringComparison.Ordinal),
        };
        using var reader = CsvReader.FromFile(path, options);
        try
        {
            return reader.GetRecords<T>().ToList();
        }
        catch (CsvFormatException e)
        {
            var field = e.Member is { Length: > 0 } member ? $", field {member}" : "";
            throw new InvalidDataException($"{path}: line {e.LineNumber}{field}: {e.Message}", e);
        }
    }
}
