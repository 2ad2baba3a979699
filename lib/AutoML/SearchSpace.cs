using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbook.AutoML;

/// <summary>
/// A search space declared in code: numeric ranges (uniform, log, integer), choices, and conditionals (a parameter
/// active only when an earlier choice takes one of some values). Every parameter maps to one coordinate of the unit
/// cube, so tuners work in [0,1]^d and the space decodes; sampling always draws one number per parameter (active or
/// not), so the random sequence, and therefore a seeded run, does not depend on which branch a sample took.
/// </summary>
public sealed class SearchSpace
{
    private readonly List<Parameter> _parameters = [];

    public IReadOnlyList<Parameter> Parameters => _parameters;
    public int Dimension => _parameters.Count;

    public SearchSpace Float(string name, double low, double high, bool log = false, double? init = null, Condition? when = null)
    {
        if (!(low < high)) throw new ArgumentException($"Parameter '{name}': low ({low}) must be below high ({high}).");
        if (log && low <= 0) throw new ArgumentException($"Parameter '{name}': a log-scale range needs low > 0.");
        return Add(new FloatParameter(name, low, high, log, init ?? low, when));
    }

    public SearchSpace Int(string name, long low, long high, bool log = false, long? init = null, Condition? when = null)
    {
        if (!(low < high)) throw new ArgumentException($"Parameter '{name}': low ({low}) must be below high ({high}).");
        if (log && low < 1) throw new ArgumentException($"Parameter '{name}': a log-scale integer range needs low >= 1.");
        return Add(new IntParameter(name, low, high, log, init ?? low, when));
    }

    public SearchSpace Choice(string name, IReadOnlyList<string> options, string? init = null, Condition? when = null)
    {
        if (options.Count < 1 || options.Distinct().Count() != options.Count)
            throw new ArgumentException($"Parameter '{name}': choices must be non-empty and distinct.");
        return Add(new ChoiceParameter(name, options.ToArray(), init ?? options[0], when));
    }

    private SearchSpace Add(Parameter p)
    {
        if (_parameters.Any(q => q.Name == p.Name)) throw new ArgumentException($"Parameter '{p.Name}' is declared twice.");
        if (p.When is { } c)
        {
            // Parents come first so decoding in declaration order always knows whether a child is active.
            var parent = _parameters.FirstOrDefault(q => q.Name == c.Parent) as ChoiceParameter
                ?? throw new ArgumentException($"Parameter '{p.Name}': condition parent '{c.Parent}' must be a choice declared before it.");
            var unknown = c.Values.Except(parent.Options).ToList();
            if (unknown.Count > 0) throw new ArgumentException($"Parameter '{p.Name}': '{c.Parent}' has no option(s) {string.Join(", ", unknown)}.");
        }
        p.Validate();
        _parameters.Add(p);
        return this;
    }

    /// <summary>A uniform sample (log-uniform for log parameters).</summary>
    public ParameterSet Sample(Random random)
    {
        var u = new double[Dimension];
        for (var i = 0; i < u.Length; i++) u[i] = random.NextDouble();
        return Decode(u);
    }

    /// <summary>
    /// A sample from a prior centred on <paramref name="center"/>: each parameter is redrawn uniformly with probability
    /// <paramref name="changeProbability"/> and otherwise kept (at least one is redrawn), so a sample differs from the
    /// centre in a few knobs rather than in all of them at once, and always in at least one.
    /// </summary>
    public ParameterSet SampleNear(ParameterSet center, double changeProbability, Random random)
    {
        if (changeProbability is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(changeProbability), "Must be in (0, 1].");
        var u = Encode(center);
        var redrawn = new bool[u.Length];
        for (var i = 0; i < u.Length; i++)
        {
            if (random.NextDouble() >= changeProbability) continue;
            u[i] = random.NextDouble();
            redrawn[i] = true;
        }
        var sample = Compose(u, redrawn, center);
        // A redraw can land on the old option or on an inactive knob: redraw more until something really changed.
        for (var attempt = 0; sample.Equals(center) && u.Length > 0 && attempt < 100; attempt++)
        {
            var i = random.Next(u.Length);
            u[i] = random.NextDouble();
            redrawn[i] = true;
            sample = Compose(u, redrawn, center);
        }
        return sample;
    }

    private ParameterSet Compose(double[] u, bool[] redrawn, ParameterSet center)
    {
        // Kept knobs take the centre's exact value: a round trip through the unit cube can turn 0.5 into
        // 0.49999999999999994, a "different" configuration that deduplication would not catch.
        var values = new SortedDictionary<string, object>(Decode(u).Values.ToDictionary(), StringComparer.Ordinal);
        for (var i = 0; i < u.Length; i++)
            if (!redrawn[i] && values.ContainsKey(_parameters[i].Name) && center.TryGet(_parameters[i].Name, out var v)) values[_parameters[i].Name] = v;
        return new ParameterSet(values);
    }

    /// <summary>Every parameter at its declared initial value (the cheap starting point of cost-frugal search).</summary>
    public ParameterSet Initial() => Decode(_parameters.Select(p => p.Encode(p.InitialValue)).ToArray());

    /// <summary>The configuration at a point of the unit cube; inactive conditionals are left out.</summary>
    public ParameterSet Decode(ReadOnlySpan<double> unit)
    {
        if (unit.Length != Dimension) throw new ArgumentException($"Expected {Dimension} coordinates, got {unit.Length}.");
        var values = new SortedDictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            if (p.When is { } c && !(values.TryGetValue(c.Parent, out var pv) && c.Values.Contains((string)pv))) continue;
            values[p.Name] = p.Decode(Math.Clamp(unit[i], 0, 1));
        }
        return new ParameterSet(values);
    }

    /// <summary>The unit-cube point of a configuration; inactive parameters sit at their initial value's coordinate.</summary>
    public double[] Encode(ParameterSet parameters) =>
        _parameters.Select(p => p.Encode(parameters.TryGet(p.Name, out var v) ? v : p.InitialValue)).ToArray();

    /// <summary>Reads a configuration from its canonical JSON, typed and range-checked by this space.</summary>
    public ParameterSet Parse(string json)
    {
        var node = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("Parameters must be a JSON object.");
        var values = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in node)
        {
            var p = _parameters.FirstOrDefault(q => q.Name == name)
                ?? throw new FormatException($"Unknown parameter '{name}' in {json}.");
            values[name] = p.Read(value ?? throw new FormatException($"Parameter '{name}' is null."));
        }
        return new ParameterSet(values);
    }

    /// <summary>The space itself as canonical JSON, stored with each experiment so a resume can refuse a changed space.</summary>
    public string ToJson()
    {
        var array = new JsonArray();
        foreach (var p in _parameters) array.Add(p.Describe());
        return array.ToJsonString();
    }
}

/// <summary>Makes a parameter active only when the choice <paramref name="Parent"/> is one of <paramref name="Values"/>.</summary>
public sealed record Condition(string Parent, params string[] Values);

public abstract record Parameter(string Name, Condition? When)
{
    public abstract object InitialValue { get; }
    internal abstract object Decode(double u);
    internal abstract double Encode(object value);
    internal abstract object Read(JsonNode node);
    internal virtual void Validate() { }

    internal JsonObject Describe()
    {
        var o = Details();
        o["name"] = Name;
        if (When is { } c) o["when"] = new JsonObject { ["parent"] = c.Parent, ["values"] = new JsonArray(c.Values.Select(v => (JsonNode)v!).ToArray()) };
        return o;
    }

    protected abstract JsonObject Details();
}

internal sealed record FloatParameter(string Name, double Low, double High, bool Log, double Init, Condition? When) : Parameter(Name, When)
{
    public override object InitialValue => Init;

    internal override object Decode(double u) =>
        Math.Clamp(Log ? Math.Exp(Math.Log(Low) + u * (Math.Log(High) - Math.Log(Low))) : Low + u * (High - Low), Low, High);

    internal override double Encode(object value)
    {
        var v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        return Math.Clamp(Log ? (Math.Log(v) - Math.Log(Low)) / (Math.Log(High) - Math.Log(Low)) : (v - Low) / (High - Low), 0, 1);
    }

    internal override object Read(JsonNode node)
    {
        var v = node.GetValue<double>();
        if (v < Low || v > High) throw new FormatException($"Parameter '{Name}' = {v} is outside [{Low}, {High}].");
        return v;
    }

    internal override void Validate()
    {
        if (Init < Low || Init > High) throw new ArgumentException($"Parameter '{Name}': init {Init} is outside [{Low}, {High}].");
    }

    protected override JsonObject Details() => new() { ["type"] = "float", ["low"] = Low, ["high"] = High, ["log"] = Log, ["init"] = Init };
}

internal sealed record IntParameter(string Name, long Low, long High, bool Log, long Init, Condition? When) : Parameter(Name, When)
{
    public override object InitialValue => Init;

    // Linear: equal-width cells per integer so each value is equally likely. Log: round a log-uniform draw.
    internal override object Decode(double u) => Math.Clamp(Log
        ? (long)Math.Round(Math.Exp(Math.Log(Low) + u * (Math.Log(High) - Math.Log(Low))))
        : Low + (long)Math.Floor(u * (High - Low + 1)), Low, High);

    internal override double Encode(object value)
    {
        var v = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        return Math.Clamp(Log ? (Math.Log(v) - Math.Log(Low)) / (Math.Log(High) - Math.Log(Low)) : (v - Low + 0.5) / (High - Low + 1), 0, 1);
    }

    internal override object Read(JsonNode node)
    {
        var v = node.GetValue<long>();
        if (v < Low || v > High) throw new FormatException($"Parameter '{Name}' = {v} is outside [{Low}, {High}].");
        return v;
    }

    internal override void Validate()
    {
        if (Init < Low || Init > High) throw new ArgumentException($"Parameter '{Name}': init {Init} is outside [{Low}, {High}].");
    }

    protected override JsonObject Details() => new() { ["type"] = "int", ["low"] = Low, ["high"] = High, ["log"] = Log, ["init"] = Init };
}

internal sealed record ChoiceParameter(string Name, string[] Options, string Init, Condition? When) : Parameter(Name, When)
{
    public override object InitialValue => Init;

    internal override object Decode(double u) => Options[Math.Min((int)Math.Floor(u * Options.Length), Options.Length - 1)];

    internal override double Encode(object value)
    {
        var i = Array.IndexOf(Options, (string)value);
        if (i < 0) throw new ArgumentException($"Parameter '{Name}' has no option '{value}'.");
        return (i + 0.5) / Options.Length;
    }

    internal override object Read(JsonNode node)
    {
        var v = node.GetValue<string>();
        if (!Options.Contains(v)) throw new FormatException($"Parameter '{Name}' = '{v}' is not one of {string.Join(", ", Options)}.");
        return v;
    }

    internal override void Validate()
    {
        if (!Options.Contains(Init)) throw new ArgumentException($"Parameter '{Name}': init '{Init}' is not an option.");
    }

    protected override JsonObject Details() =>
        new() { ["type"] = "choice", ["options"] = new JsonArray(Options.Select(o => (JsonNode)o!).ToArray()), ["init"] = Init };
}
