using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Workbook.AutoML;

/// <summary>
/// One configuration: parameter name to value (double, long or string), ordered by name. Its canonical JSON (sorted
/// keys, shortest round-trip numbers) is what the store keeps and what deduplication compares.
/// </summary>
public sealed class ParameterSet : IEquatable<ParameterSet>
{
    private readonly SortedDictionary<string, object> _values;

    internal ParameterSet(SortedDictionary<string, object> values)
    {
        _values = values;
        Json = Canonical(values);
    }

    public static ParameterSet Empty { get; } = new(new SortedDictionary<string, object>(StringComparer.Ordinal));

    public string Json { get; }
    public IEnumerable<string> Names => _values.Keys;
    public IReadOnlyDictionary<string, object> Values => _values;

    public bool Has(string name) => _values.ContainsKey(name);
    public bool TryGet(string name, out object value) => _values.TryGetValue(name, out value!);

    public double GetDouble(string name) => Convert.ToDouble(Get(name), CultureInfo.InvariantCulture);
    public long GetInt(string name) => Convert.ToInt64(Get(name), CultureInfo.InvariantCulture);
    public string GetString(string name) => (string)Get(name);

    public double GetDouble(string name, double fallback) => Has(name) ? GetDouble(name) : fallback;
    public long GetInt(string name, long fallback) => Has(name) ? GetInt(name) : fallback;
    public string GetString(string name, string fallback) => Has(name) ? GetString(name) : fallback;

    private object Get(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"Parameter '{name}' is not set (inactive or undeclared).");

    /// <summary>Short human form for progress tables: <c>lr=0.0123 optimizer=adagrad</c>.</summary>
    public override string ToString() => string.Join(' ', _values.Select(kv => $"{kv.Key}={Format(kv.Value)}"));

    public static string Format(object v) => v switch
    {
        double d => d.ToString("G3", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    public bool Equals(ParameterSet? other) => other is not null && other.Json == Json;
    public override bool Equals(object? obj) => Equals(obj as ParameterSet);
    public override int GetHashCode() => Json.GetHashCode(StringComparison.Ordinal);

    private static string Canonical(SortedDictionary<string, object> values)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (k, v) in values)
            {
                switch (v)
                {
                    case double d: w.WriteNumber(k, d); break;
                    case long l: w.WriteNumber(k, l); break;
                    case string s: w.WriteString(k, s); break;
                    default: throw new InvalidOperationException($"Parameter '{k}' has unsupported type {v.GetType().Name}.");
                }
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
