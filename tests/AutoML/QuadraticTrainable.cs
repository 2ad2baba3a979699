using Workbook.AutoML;

namespace Workbook.Tests.AutoML;

/// <summary>
/// A 2-D noisy quadratic, optimum 0 at x = 0.3, lr = 0.01; noise shrinks with budget (a subsample's metric is
/// noisier); counts its evaluations so tests can check what was (not) rerun.
/// </summary>
internal sealed class QuadraticTrainable(double noise = 0.005, Func<ParameterSet, double, bool>? crash = null) : ITrainable
{
    public int Evaluations;
    public readonly List<string> Evaluated = [];

    public string Task => "synthetic";
    public string Objective => "neg_loss";
    public SearchSpace Space { get; } = new SearchSpace().Float("x", -1, 1, init: -1).Float("lr", 1e-4, 1, log: true, init: 1e-4);
    public string DataHash => "quadratic";
    public ParameterSet Defaults => Space.Initial();

    public static double Truth(ParameterSet p) => -(Math.Pow(p.GetDouble("x") - 0.3, 2) + Math.Pow(Math.Log10(p.GetDouble("lr")) + 2, 2) / 4);

    public TrialMetrics Evaluate(ParameterSet parameters, double budget, CancellationToken cancellation)
    {
        Interlocked.Increment(ref Evaluations);
        lock (Evaluated) Evaluated.Add(parameters.Json);
        if (crash?.Invoke(parameters, budget) == true) throw new InvalidOperationException("trainer crashed");
        var u = new Random((int)(StableHash(parameters.Json) ^ (uint)(budget * 1000))).NextDouble() - 0.5;
        return new TrialMetrics(Truth(parameters) + noise * u / Math.Sqrt(budget), new Dictionary<string, double> { ["truth"] = Truth(parameters) });
    }

    public TrialMetrics Test(ParameterSet parameters, CancellationToken cancellation) => new(Truth(parameters));

    public TrialMetrics FitFinalAndSave(ParameterSet parameters, string modelPath, CancellationToken cancellation)
    {
        Workbook.Reports.AtomicFile.WriteAllText(modelPath, parameters.Json);
        return Test(parameters, cancellation);
    }

    private static uint StableHash(string s)
    {
        var h = 2166136261u;
        foreach (var c in s) h = (h ^ c) * 16777619u;
        return h;
    }
}
