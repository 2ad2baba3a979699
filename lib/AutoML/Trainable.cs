using System.Text.Json;

namespace Workbook.AutoML;

/// <summary>
/// Something the engine can tune: a search space, and a function from a configuration and a budget fraction (the
/// share of the training data a trial may use; 1 = all of it, successive halving asks for less) to metrics.
/// The objective is always "higher is better"; a loss is reported negated.
/// </summary>
public interface ITrainable
{
    /// <summary>Task name stored with the experiment (<c>classify</c>, <c>rank</c>, <c>synthetic</c>).</summary>
    string Task { get; }

    /// <summary>Name of the objective shown in tables (e.g. <c>hierarchical_f1</c>).</summary>
    string Objective { get; }

    SearchSpace Space { get; }

    /// <summary>SHA-256 over the inputs, so a resume on changed data is refused.</summary>
    string DataHash { get; }

    /// <summary>The configuration a user gets without tuning; compared with the tuned one.</summary>
    ParameterSet Defaults { get; }

    TrialMetrics Evaluate(ParameterSet parameters, double budget, CancellationToken cancellation);

    /// <summary>
    /// Fits <paramref name="parameters"/> on all training data (train + validation) and measures the model on the
    /// held-out test data that tuning never sees; the objective is the test counterpart of <see cref="Objective"/>.
    /// </summary>
    TrialMetrics Test(ParameterSet parameters, CancellationToken cancellation);

    /// <summary>As <see cref="Test"/>, and saves the fitted model to <paramref name="modelPath"/> (atomically).</summary>
    TrialMetrics FitFinalAndSave(ParameterSet parameters, string modelPath, CancellationToken cancellation);
}

/// <summary>A trial's outcome: the objective and any other metrics worth keeping.</summary>
public sealed record TrialMetrics(double Objective, IReadOnlyDictionary<string, double> Values)
{
    public TrialMetrics(double objective) : this(objective, new Dictionary<string, double>()) { }

    public string ToJson() => JsonSerializer.Serialize(new Stored(Objective, new SortedDictionary<string, double>(Values.ToDictionary(), StringComparer.Ordinal)));

    public static TrialMetrics FromJson(string json)
    {
        var s = JsonSerializer.Deserialize<Stored>(json) ?? throw new FormatException("Empty metrics JSON.");
        return new TrialMetrics(s.objective, s.values ?? new SortedDictionary<string, double>());
    }

    // Lower-case names keep the stored JSON readable from SQL (json_extract(metrics, '$.objective')).
    private sealed record Stored(double objective, SortedDictionary<string, double>? values);
}
