using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbook.AutoML;

/// <summary>
/// One bound on a trial metric, <c>metric&gt;=number</c> (or <c>&lt;=</c>, <c>&gt;</c>, <c>&lt;</c>): an experiment's
/// constraints decide which trials may win. The metric is one the trials record (e.g. the classify-catalogues task's
/// <c>cdiscount_predict_per_cpu_second</c>), or <c>objective</c>. A trial that lacks the metric does not meet the bound:
/// an unmeasured cost is not a small one.
/// </summary>
internal sealed partial record TrialConstraint(string Metric, string Operator, double Bound)
{
    [GeneratedRegex(@"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")]
    private static partial Regex Pattern();

    /// <summary>Constraints separated by ';' (empty text: none).</summary>
    /// <exception cref="ArgumentException">A part is not <c>metric&gt;=number</c>.</exception>
    public static IReadOnlyList<TrialConstraint> Parse(string? text)
    {
        var list = new List<TrialConstraint>();
        foreach (var part in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var m = Pattern().Match(part);
            if (!m.Success || !double.TryParse(m.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) || !double.IsFinite(bound))
                throw new ArgumentException($"constraint '{part}' is not of the form metric>=number (or <=, >, <), e.g. " +
                                            "\"cdiscount_predict_per_cpu_second>=50000\"; separate several with ';'.");
            list.Add(new TrialConstraint(m.Groups[1].Value, m.Groups[2].Value, bound));
        }
        return list;
    }

    /// <summary>The canonical text of <paramref name="text"/>'s constraints (how the store keeps them, so a resume compares equal text).</summary>
    public static string Normalise(string? text) => string.Join("; ", Parse(text));

    /// <summary>The trial's value of the metric; null when it did not record it.</summary>
    public double? ValueOf(TrialRecord trial) =>
        trial.Metrics is not { } m ? null
        : Metric == "objective" ? m.Objective
        : m.Values.TryGetValue(Metric, out var v) ? v : null;

    public bool Allows(TrialRecord trial) => ValueOf(trial) is { } v && Operator switch
    {
        ">=" => v >= Bound,
        "<=" => v <= Bound,
        ">" => v > Bound,
        _ => v < Bound,
    };

    public override string ToString() => $"{Metric}{Operator}{Bound.ToString("R", CultureInfo.InvariantCulture)}";

    /// <summary>What a trial breaks, e.g. "cdiscount_predict_per_cpu_second 31000 (needs >=50000)"; empty when it meets every constraint.</summary>
    public static string Violations(TrialRecord trial, IReadOnlyList<TrialConstraint> constraints) =>
        string.Join(", ", constraints.Where(c => !c.Allows(trial)).Select(c =>
            $"{c.Metric} {(c.ValueOf(trial) is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "not measured")} (needs {c.Operator}{c.Bound.ToString("R", CultureInfo.InvariantCulture)})"));
}
