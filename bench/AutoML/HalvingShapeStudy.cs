using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using Workbook.AutoML.Tuners;
using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>One configuration measured at one budget: what a tuner would be told had it asked for it.</summary>
public sealed record BudgetGridCell(int Configuration, double Budget, double Objective, double Seconds, string ParamsJson);

/// <summary>A tuner's trials replayed on a virtual clock; <c>OutOfGrid</c> when it asked for a trial nobody measured.</summary>
public sealed record ReplayedRun(IReadOnlyList<(double Budget, double Objective, double Elapsed)> Trials, bool OutOfGrid)
{
    /// <summary>Virtual seconds until a full-budget trial reached <paramref name="target"/>; null if none did.</summary>
    public double? TimeToReach(double target) => Trials.Where(t => t.Budget >= 1 && t.Objective >= target).Select(t => (double?)t.Elapsed).FirstOrDefault();

    public (double Objective, double Elapsed)? Best => Trials.Where(t => t.Budget >= 1).OrderByDescending(t => t.Objective).ThenBy(t => t.Elapsed)
        .Select(t => ((double, double)?)(t.Objective, t.Elapsed)).FirstOrDefault();
}

/// <summary>
/// Compares successive-halving shapes without rerunning them: every configuration random search proposes is measured
/// once at every budget a shape may ask for (<see cref="Budgets"/>), then the real tuners are replayed on a virtual
/// clock that adds each trial's measured seconds. Halving samples the same sequence of configurations as random search
/// with the same seed, so one grid serves both. A live 300 s benchmark shows one shape per ten minutes and mixes the
/// shape's effect with machine load; a replay compares any number of shapes on identical trials.
/// </summary>
public static class HalvingShapeStudy
{
    /// <summary>1/27, 1/9, 1/3 and 1: every rung of an eta-3 shape with up to four rungs.</summary>
    public static readonly double[] Budgets = [1.0 / 27, 1.0 / 9, 1.0 / 3, 1.0];

    public static readonly HalvingShape[] Shapes =
    [
        new(3, 3, 9, 1), new(3, 3, 9, 2), new(3, 3, 27, 3), new(3, 4, 27, 1), new(3, 4, 27, 2), new(3, 4, 27, 3),
    ];

    /// <summary>
    /// Measures the first <paramref name="configurations"/> configurations random search proposes with
    /// <paramref name="seed"/>; those already in <paramref name="known"/> (a smaller grid of the same seed) are kept, so
    /// a grid grows without measuring again.
    /// </summary>
    /// <remarks>A configuration that crashes the trainer is measured as NaN, which a replay tells the tuner as a failed
    /// trial, as the engine does. <paramref name="checkpoint"/> gets the grid after each new configuration, so an
    /// interrupted measurement keeps what it measured.</remarks>
    public static IReadOnlyList<BudgetGridCell> Measure(ITrainable trainable, int seed, int configurations, Action<string>? log = null,
        CancellationToken cancellation = default, IReadOnlyList<BudgetGridCell>? known = null, Action<IReadOnlyList<BudgetGridCell>>? checkpoint = null)
    {
        var tuner = TunerFactory.Create("random", trainable.Space, seed, trainable.Defaults);
        var byConfiguration = (known ?? []).ToLookup(c => c.Configuration);
        var cells = new List<BudgetGridCell>();
        for (var i = 0; i < configurations; i++)
        {
            var request = tuner.Ask() ?? throw new InvalidOperationException("random search stopped proposing");
            var kept = byConfiguration[i].ToList();
            if (kept.Count == Budgets.Length)
            {
                if (kept.Any(c => c.ParamsJson != request.Parameters.Json))
                    throw new InvalidDataException($"The known grid's configuration {i} is not what random search with seed {seed} proposes: it was measured for another space or seed.");
                cells.AddRange(kept);
                tuner.Tell(request, null);
                continue;
            }
            foreach (var budget in Budgets)
            {
                var watch = Stopwatch.StartNew();
                double objective;
                try { objective = trainable.Evaluate(request.Parameters, budget, cancellation).Objective; }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException) { objective = double.NaN; }
                cells.Add(new BudgetGridCell(i, budget, objective, watch.Elapsed.TotalSeconds, request.Parameters.Json));
            }
            tuner.Tell(request, null);
            checkpoint?.Invoke(cells);
            log?.Invoke($"configuration {i + 1}/{configurations}: {string.Join(" ", cells.TakeLast(Budgets.Length).Select(c => $"{c.Objective:0.0000} ({c.Seconds:0.0} s)"))}");
        }
        return cells;
    }

    private static readonly string[] Columns = ["configuration", "budget", "objective", "seconds", "params"];

    /// <summary>Writes the grid as CSV (to a temp file, then renamed: a crash leaves no half grid).</summary>
    public static void Save(IReadOnlyList<BudgetGridCell> cells, string path) => AtomicFile.Write(path, temp =>
    {
        using var csv = CsvWriter.ToFile(temp);
        foreach (var h in Columns) csv.WriteField(h);
        csv.EndRecord();
        foreach (var c in cells)
        {
            csv.WriteField(c.Configuration.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(c.Budget.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(c.Objective.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(c.Seconds.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(c.ParamsJson);
            csv.EndRecord();
        }
    });

    public static IReadOnlyList<BudgetGridCell> Load(string path)
    {
        DataLineage.Record(path);
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions { HasHeader = true, TrackLineNumbers = true });
        if (!csv.Headers.SequenceEqual(Columns))
            throw new InvalidDataException($"{path}, line 1: header is [{string.Join(", ", csv.Headers)}], expected {string.Join(", ", Columns)}; delete the file to measure again.");
        var cells = new List<BudgetGridCell>();
        while (csv.Read())
        {
            double Number(int i) => double.TryParse(csv.GetString(i), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x
                : throw new InvalidDataException($"{path}, line {csv.LineNumber}, field '{Columns[i]}': '{csv.GetString(i)}' is not a number.");
            cells.Add(new BudgetGridCell((int)Number(0), Number(1), Number(2), Number(3), csv.GetString(4)));
        }
        return cells;
    }

    /// <summary>
    /// Replays <paramref name="tuner"/> until <paramref name="budgetSeconds"/> of measured trial time, with the engine's
    /// rules (<see cref="AutoMLExperiment"/>): a trial that would end past the budget is cut and not counted; a
    /// configuration asked again at the same budget is told its earlier result and costs nothing; a failed measurement
    /// (NaN) is told as a failed trial.
    /// </summary>
    internal static ReplayedRun Replay(IReadOnlyList<BudgetGridCell> grid, ITuner tuner, double budgetSeconds)
    {
        // Two samples may land on the same configuration: it has one measurement per budget.
        var lookup = grid.GroupBy(c => (c.ParamsJson, Key(c.Budget))).ToDictionary(g => g.Key, g => g.First());
        var told = new HashSet<(string, long)>();
        var trials = new List<(double, double, double)>();
        var clock = 0.0;
        var repeats = 0;
        while (tuner.Ask() is { } request)
        {
            var key = (request.Parameters.Json, Key(request.Budget));
            if (!lookup.TryGetValue(key, out var cell)) return new ReplayedRun(trials, true);
            var metrics = double.IsFinite(cell.Objective) ? new TrialMetrics(cell.Objective) : null;
            if (!told.Add(key))
            {
                tuner.Tell(request, metrics);
                if (++repeats >= AutoMLExperiment.MaxConsecutiveDuplicates) break;
                continue;
            }
            repeats = 0;
            if (clock + cell.Seconds > budgetSeconds) break;
            clock += cell.Seconds;
            trials.Add((request.Budget, cell.Objective, clock));
            tuner.Tell(request, metrics);
        }
        return new ReplayedRun(trials, false);
    }

    internal static SuccessiveHalvingTuner Tuner(HalvingShape shape, ITrainable trainable, int seed) =>
        TunerFactory.CreateHalving(trainable.Space, seed, trainable.Defaults, shape);

    /// <summary>Halving's time to reach random search's best over random's time to it, per shape (null: not reached within the grid).</summary>
    public static IReadOnlyList<(HalvingShape Shape, double? Ratio, bool OutOfGrid)> Compare(IReadOnlyList<BudgetGridCell> grid, ITrainable trainable, int seed,
        double budgetSeconds, IEnumerable<HalvingShape> shapes)
    {
        var random = Replay(grid, TunerFactory.Create("random", trainable.Space, seed, trainable.Defaults), budgetSeconds);
        // Random search's best is every ratio's yardstick: it must come from the whole budget, not a grid too small.
        if (random.OutOfGrid)
            throw new InvalidOperationException($"Random search with seed {seed} ran past the grid's {grid.Select(c => c.Configuration).Distinct().Count()} configurations " +
                                                $"within {budgetSeconds:0} s: measure more configurations.");
        if (random.Best is not { } best) throw new InvalidOperationException("Random search completed no trial within the budget.");
        return shapes.Select(shape =>
        {
            var run = Replay(grid, Tuner(shape, trainable, seed), budgetSeconds);
            return (shape, run.TimeToReach(best.Objective) / best.Elapsed, run.OutOfGrid);
        }).ToList();
    }

    private static long Key(double budget) => (long)Math.Round(budget * 1e9);
}
