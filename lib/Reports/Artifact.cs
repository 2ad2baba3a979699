using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Workbook.Reports;

/// <summary>
/// A derived result (an evaluation grid, a table, a summary) saved as JSON by the workbook's DAG and read back by a
/// notebook, which then only narrates it. Records of the library's own types read back typed; anything else reads as
/// rows of JSON objects or straight into a <see cref="Table"/>.
/// </summary>
public static class Artifact
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // NaN and infinities survive the round trip
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Writes <paramref name="value"/> as JSON; readers see the old file or the new one, never half.</summary>
    public static void Write<T>(string path, T value) =>
        AtomicFile.Write(path, temp =>
        {
            using var stream = File.Create(temp);
            JsonSerializer.Serialize(stream, value, Options);
        });

    /// <summary>The value saved at <paramref name="path"/>.</summary>
    public static T Read<T>(string path)
    {
        using var stream = Open(path);
        try
        {
            return JsonSerializer.Deserialize<T>(stream, Options)
                   ?? throw new InvalidDataException($"{path}: the artifact holds null, not a {typeof(T).Name}.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a {typeof(T).Name} artifact (line {e.LineNumber + 1}: {e.Message}).", e);
        }
    }

    /// <summary>Saves a chart's plotly.js traces and layout, for <see cref="Figure(string)"/> to show it again.</summary>
    public static void WriteFigure(string path, Figure figure) =>
        Write(path, new JsonObject { ["data"] = JsonNode.Parse(figure.DataJson), ["layout"] = JsonNode.Parse(figure.LayoutJson) });

    /// <summary>The chart saved at <paramref name="path"/> by <see cref="WriteFigure"/>.</summary>
    public static Figure Figure(string path)
    {
        var saved = Read<JsonObject>(path);
        if (saved["data"] is not JsonArray data || saved["layout"] is not JsonObject layout)
            throw new InvalidDataException($"{path}: not a figure artifact (expected an object with 'data' traces and a 'layout').");
        return Chart.Plotly(data, layout);
    }

    /// <summary>The rows of an artifact that holds a JSON array of objects.</summary>
    public static IReadOnlyList<JsonObject> Rows(string path)
    {
        using var stream = Open(path);
        var node = JsonNode.Parse(stream) as JsonArray
                   ?? throw new InvalidDataException($"{path}: expected a JSON array of objects.");
        return node.Select((n, i) => n as JsonObject
                                     ?? throw new InvalidDataException($"{path}: element {i} is not a JSON object.")).ToList();
    }

    /// <summary>An artifact holding a JSON array of objects as a table: one column per property, in first-seen order.</summary>
    public static Table Table(string path, int maxRows = 20) => Table(Rows(path), maxRows);

    /// <summary>Rows of one or several artifacts (e.g. one per catalogue, concatenated) as one table, columns in first-seen order.</summary>
    public static Table Table(IEnumerable<JsonObject> rows, int maxRows = 20)
    {
        var list = rows.ToList();
        var headers = new List<string>();
        foreach (var row in list)
            foreach (var (key, _) in row)
                if (!headers.Contains(key)) headers.Add(key);
        return Reports.Table.FromRows(headers, list.Select(r => headers.Select(h => Scalar(r[h])).ToArray()), maxRows);
    }

    private static object? Scalar(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => node.ToJsonString(),
    };

    // Recorded like any loaded file, so a report lists the artifacts it read with their hashes.
    private static FileStream Open(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{path} does not exist: it is derived data, built by the workbook's DAG from data/ (dotnet run -- make).", path);
        DataLineage.Record(path);
        return File.OpenRead(path);
    }
}
