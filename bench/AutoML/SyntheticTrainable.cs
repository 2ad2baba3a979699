using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>
/// Knobs of the synthetic task: how long a full-budget trial sleeps, the noise level, a region that crashes, and how
/// long a full-budget trial keeps one core busy (<c>SpinMs</c>: a CPU-bound trial, for measuring workers; left out of
/// the stored options when 0, so older experiments keep their data hash).
/// </summary>
public sealed record SyntheticOptions(double SleepMs = 0, double Noise = 0.01, double? FailAbove = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] double SpinMs = 0);

/// <summary>
/// A cheap objective with a known optimum (a noisy quadratic over a float, a log-scale float, an integer, a choice
/// and a conditional), for testing tuners and the engine end to end, including through the CLI (<c>--task
/// synthetic</c>): the optimum 0 is at x=0.3, lr=0.01, depth=6, kind=b, momentum=0.9. The noise is a deterministic
/// function of the configuration and shrinks as 1/sqrt(budget), like a metric measured on a subsample; a trial
/// sleeps <c>SleepMs * budget</c> so it also costs time proportional to its budget.
/// </summary>
public sealed class SyntheticTrainable(SyntheticOptions? options = null) : ITrainable
{
    private readonly SyntheticOptions _options = options ?? new SyntheticOptions();

    public string Task => "synthetic";
    public string Objective => "neg_loss";

    public SearchSpace Space { get; } = new SearchSpace()
        .Float("x", -1, 1, init: -1)
        .Float("lr", 1e-4, 1, log: true, init: 1e-4)
        .Int("depth", 1, 10, init: 1)
        .Choice("kind", ["a", "b", "c"], init: "a")
        .Float("momentum", 0, 0.99, init: 0, when: new Condition("kind", "b"));

    public string DataHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(_options))));

    public ParameterSet Defaults => Space.Initial();

    /// <summary>The noise-free objective (0 at the optimum, negative elsewhere).</summary>
    public static double Truth(ParameterSet p)
    {
        var loss = Math.Pow(p.GetDouble("x") - 0.3, 2)
                   + Math.Pow(Math.Log10(p.GetDouble("lr")) + 2, 2) / 4
                   + Math.Pow(p.GetInt("depth") - 6, 2) / 25.0
                   + p.GetString("kind") switch { "a" => 0.3, "b" => 0, _ => 0.6 }
                   + (p.Has("momentum") ? Math.Pow(p.GetDouble("momentum") - 0.9, 2) : 0);
        return -loss;
    }

    public TrialMetrics Evaluate(ParameterSet parameters, double budget, CancellationToken cancellation)
    {
        if (_options.SleepMs > 0 && cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(_options.SleepMs * budget)))
            cancellation.ThrowIfCancellationRequested();
        cancellation.ThrowIfCancellationRequested();
        Spin(TimeSpan.FromMilliseconds(_options.SpinMs * budget), cancellation);
        if (_options.FailAbove is { } limit && parameters.GetDouble("x") > limit)
            throw new InvalidOperationException($"synthetic failure: x = {parameters.GetDouble("x"):G3} > {limit}");
        var truth = Truth(parameters);
        var noise = _options.Noise * Gaussian(parameters.Json + "@" + budget.ToString("R", System.Globalization.CultureInfo.InvariantCulture)) / Math.Sqrt(budget);
        return new TrialMetrics(truth + noise, new Dictionary<string, double> { ["truth"] = truth });
    }

    /// <summary>Keeps this thread's core busy for <paramref name="cpuTime"/> of its own CPU time (not wall time: a loaded machine makes it slower, as it would a real trial).</summary>
    private static void Spin(TimeSpan cpuTime, CancellationToken cancellation)
    {
        if (cpuTime <= TimeSpan.Zero) return;
        var cpu = CpuStopwatch.StartNew();
        var x = 1.0;
        while (cpu.Elapsed < cpuTime)
        {
            cancellation.ThrowIfCancellationRequested();
            for (var i = 0; i < 100_000; i++) x = Math.Sqrt(x + i);
        }
        GC.KeepAlive(x);
    }

    /// <summary>The noise-free objective: what a perfect measurement of the configuration would give.</summary>
    public TrialMetrics Test(ParameterSet parameters, CancellationToken cancellation) => new(Truth(parameters));

    public TrialMetrics FitFinalAndSave(ParameterSet parameters, string modelPath, CancellationToken cancellation)
    {
        // The synthetic "model" is its configuration.
        AtomicFile.WriteAllText(modelPath, parameters.Json);
        return Test(parameters, cancellation);
    }

    /// <summary>The task as hosts register it (<c>--task synthetic</c>).</summary>
    public static AutoMLTask Registration { get; } = AutoMLTask.WithOptions<SyntheticOptions>("synthetic", (_, o) => new SyntheticTrainable(o));

    public static SyntheticOptions ParseOptions(string json) => JsonSerializer.Deserialize<SyntheticOptions>(json) ?? new SyntheticOptions();

    // A standard normal from the configuration's hash: the same configuration always gets the same noise.
    private static double Gaussian(string key)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var u1 = (BitConverter.ToUInt64(h, 0) >> 11) * (1.0 / (1UL << 53));
        var u2 = (BitConverter.ToUInt64(h, 8) >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
