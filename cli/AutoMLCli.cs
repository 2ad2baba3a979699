using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Workbook.AutoML;
using Workbook.AutoML.Tuners;

namespace Workbook.Cli;

/// <summary><c>automl run|resume|list|show|compare</c> and <c>bench automl</c>.</summary>
public sealed class AutoMLCli : ICliModule
{
    // The library's tasks, the benchmarks' synthetic one (a cheap quadratic the CLI tests tune end to end) and ML.NET's
    // pipeline (mlnet/: trainer, its hyperparameters and the featurizer, tuned on a catalogue folder).
    private static readonly AutoMLTasks Tasks = AutoMLTasks.Standard.With(SyntheticTrainable.Registration, MLNetClassifierTrainable.Registration);

    private static readonly Option<string> StoreOption = new("--store")
    {
        Description = "Experiment store: a SQLite file (default data/experiments.db) or a PostgreSQL connection string (\"Host=...;Username=...;Database=...\" or postgres://...), shared by every worker",
        DefaultValueFactory = _ => WorkbookPaths.Data("experiments.db"),
    };

    private static readonly Option<double> HeartbeatOption = new("--heartbeat-timeout")
    {
        Description = "Seconds a running trial's worker may stay silent before another worker reclaims the trial",
        DefaultValueFactory = _ => 60,
    };

    public IEnumerable<Command> Commands()
    {
        var automl = new Command("automl", "Tune the classifier or the ranker; every trial is stored and a killed run resumes.");
        automl.Subcommands.Add(RunCommand());
        automl.Subcommands.Add(ResumeCommand());
        automl.Subcommands.Add(WorkerCommand());
        automl.Subcommands.Add(ListCommand());
        automl.Subcommands.Add(ShowCommand());
        automl.Subcommands.Add(CompareCommand());
        yield return automl;
    }

    public IEnumerable<Command> Benchmarks()
    {
        var task = new Option<string>("--task") { Description = "classify | rank | synthetic", DefaultValueFactory = _ => "classify" };
        task.AcceptOnlyFromAmong([.. Tasks.Names]);
        var data = new Option<string?>("--data") { Description = "Dataset (default: cdiscount for classify, product_scoring.csv for rank)" };
        var budget = new Option<double>("--budget") { Description = "Time budget per tuner, seconds", DefaultValueFactory = _ => 300 };
        var tuners = new Option<string>("--tuners") { Description = "Comma-separated tuners", DefaultValueFactory = _ => "random,halving,cfo" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42 };
        var options = new Option<string?>("--task-options") { Description = "Task options as JSON" };
        var workers = new Option<string?>("--workers")
        {
            Description = "Comma-separated worker counts (e.g. 1,2): each tuner and seed as `automl worker` processes on one store, the same wall time " +
                          "per run (--budget); trials per minute against one worker, and asha's wall time to reach random's best (default tuners random,asha)",
        };
        var seeds = new Option<string?>("--seeds") { Description = "With --workers: comma-separated seeds (default: --seed)" };
        var threads = new Option<int>("--threads")
        {
            Description = "With --workers: threads per trial for tasks that have them (1: trials single-threaded, so n workers can use n cores; 0: every core)",
            DefaultValueFactory = _ => 1,
        };
        var cmd = new Command("automl", "Each tuner on the same time budget; tuned vs default on the test split; halving's time to reach random's best");
        foreach (var o in new Option[] { task, data, budget, tuners, seed, options, workers, seeds, threads }) cmd.Options.Add(o);
        cmd.SetAction((p, ct) => Guarded(() =>
        {
            var t = p.GetValue(task)!;
            var dataPath = p.GetValue(data) is { } given ? Path.GetFullPath(given) : DefaultData(t);
            var optionsJson = Tasks.NormaliseOptions(t, p.GetValue(options));
            var trainable = Tasks.Create(t, dataPath, optionsJson);
            var list = p.GetValue(tuners)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (p.GetValue(workers) is { } counts)
            {
                var tunerList = p.GetResult(tuners) is null or { Implicit: true } ? ["random", "asha"] : list;
                var seedList = Ints(p.GetValue(seeds) ?? p.GetValue(seed).ToString(CultureInfo.InvariantCulture));
                // Every worker count gets the same threads per trial, so the ratio measures the workers, not the trials' own parallelism.
                if (Tasks.HasThreads(t)) optionsJson = Tasks.WithThreads(t, optionsJson, p.GetValue(threads));
                return WorkersBenchmark(Tasks.Create(t, dataPath, optionsJson), dataPath, optionsJson, p.GetValue(budget), tunerList, seedList, Ints(counts), ct);
            }
            Console.WriteLine($"bench automl: task {t}, data {dataPath}, {p.GetValue(budget):0} s per tuner, seed {p.GetValue(seed)}, load {MachineLoad.Now()}");
            var r = AutoMLBenchmark.Run(trainable, dataPath, optionsJson, p.GetValue(budget), list, p.GetValue(seed),
                Workbook.WorkbookPaths.Data("derived", "automl-bench.db"), Console.WriteLine, ct);
            var table = new Spectre.Console.Table().AddColumns("tuner", "trials (full)", "trial s (CPU s)", $"best valid {trainable.Objective}", "s to best",
                "s (CPU s) to reach random's best", "s (CPU s) to beat the default", "best trial test", "selected test", "selected vs default");
            table.AddRow("default", "-", "-", "-", "-", "-", "-", F(r.DefaultTest), F(r.DefaultTest), "-");
            foreach (var row in r.Rows)
                table.AddRow(row.Tuner, $"{I(row.Trials)} ({I(row.FullBudgetTrials)})", $"{F1(row.TrialSeconds)} ({F1(row.TrialCpuSeconds)})", F(row.BestValidation),
                    F1(row.SecondsToBest), $"{F1(row.SecondsToReachRandomBest)} ({F1(row.CpuSecondsToReachRandomBest)})",
                    $"{F1(row.SecondsToBeatDefault)} ({F1(row.CpuSecondsToBeatDefault)})", F(row.BestTrialTest), F(row.SelectedTest),
                    row.SelectedTest is { } x ? (x - r.DefaultTest).ToString("+0.0000;-0.0000;0", CultureInfo.InvariantCulture) : "-");
            AnsiConsole.Write(table);
            foreach (var row in r.Rows) Console.WriteLine($"{row.Tuner}: selected {row.Selection}; best {row.BestParams}");
            Console.WriteLine($"halving time to reach random's best / random's time to its best: {F(r.HalvingToRandomTimeRatio)} wall, " +
                              $"{F(r.HalvingToRandomCpuRatio)} CPU (target < 0.5)");
            Console.WriteLine($"load at end: {r.Load}; process CPU {r.CpuSeconds:0} s");
            return 0;
        }));
        yield return cmd;
        yield return HalvingShapesBenchmark();
    }

    private static int[] Ints(string csv) =>
        [.. csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture))];

    private static int WorkersBenchmark(ITrainable trainable, string dataPath, string optionsJson, double budget, IReadOnlyList<string> tuners,
        IReadOnlyList<int> seeds, IReadOnlyList<int> workers, CancellationToken ct)
    {
        Console.WriteLine($"bench automl --workers {string.Join(',', workers)}: task {trainable.Task}, data {dataPath}, {budget:0} s wall per run, " +
                          $"tuners {string.Join(',', tuners)}, seeds {string.Join(',', seeds)}, task options {optionsJson}, {Environment.ProcessorCount} cores, load {MachineLoad.Now()}");
        var rows = AutoMLWorkersBenchmark.Run(trainable, dataPath, optionsJson, budget, tuners, seeds, workers,
            Workbook.WorkbookPaths.Data("derived", "automl-workers-bench.db"), StartSelf, Console.WriteLine, ct);
        var table = new Spectre.Console.Table().AddColumns("seed", "tuner", "workers", "trials (full)", "wall s", "trial s", "trials/min", "vs 1 worker",
            $"best valid {trainable.Objective}", "s to random's best", "vs random", "load");
        foreach (var r in rows)
        {
            var one = rows.FirstOrDefault(x => x.Seed == r.Seed && x.Tuner == r.Tuner && x.Workers == 1);
            var random = rows.FirstOrDefault(x => x.Seed == r.Seed && x.Tuner == "random" && x.Workers == r.Workers);
            table.AddRow(I(r.Seed), r.Tuner, I(r.Workers), $"{I(r.Trials)} ({I(r.FullBudgetTrials)})", F1(r.WallSeconds), F1(r.TrialSeconds),
                F1(r.TrialsPerMinute), one is { TrialsPerMinute: > 0 } ? (r.TrialsPerMinute / one.TrialsPerMinute).ToString("0.00x", CultureInfo.InvariantCulture) : "-",
                F(r.BestValidation), F1(r.SecondsToReachRandomBest),
                random?.RandomSecondsToItsBest is > 0 and var rt && r.SecondsToReachRandomBest is { } s ? F(s / rt) : "-", r.Load);
        }
        AnsiConsole.Write(table);
        Console.WriteLine("trials/min: completed trials over the wall time from the first trial's start to the last one's end (target: 2 workers >= 1.7x one); " +
                          "vs random: wall time to reach random search's best over random's own, same seed and workers (target < 0.5 on 3 of 4 seeds)");
        Console.WriteLine($"load at end: {MachineLoad.Now()}");
        return 0;
    }

    /// <summary>This CLI as a child process (a worker), whether it runs as an apphost or under <c>dotnet</c>.</summary>
    private static System.Diagnostics.Process StartSelf(IReadOnlyList<string> args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") psi.ArgumentList.Add(typeof(AutoMLCli).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return System.Diagnostics.Process.Start(psi)!;
    }

    private static Command HalvingShapesBenchmark()
    {
        var data = new Option<string?>("--data") { Description = "Dataset folder (default: cdiscount)" };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated tuner seeds", DefaultValueFactory = _ => "1,7,42" };
        var configurations = new Option<int>("--configurations") { Description = "Configurations measured per seed, each at 1/27, 1/9, 1/3 and all of the data", DefaultValueFactory = _ => 60 };
        var budget = new Option<double>("--budget") { Description = "Replayed time budget per tuner, seconds", DefaultValueFactory = _ => 300 };
        var cmd = new Command("halving-shapes",
            "Successive-halving shapes replayed on measured trials: time to reach random search's best over random's own time, per seed");
        foreach (var o in new Option[] { data, seeds, configurations, budget }) cmd.Options.Add(o);
        cmd.SetAction((p, ct) => Guarded(() =>
        {
            var dataPath = p.GetValue(data) is { } given ? Path.GetFullPath(given) : DefaultData("classify");
            var trainable = Tasks.Create("classify", dataPath, Tasks.NormaliseOptions("classify", null));
            var seedList = p.GetValue(seeds)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToList();
            var n = p.GetValue(configurations);
            var table = new Spectre.Console.Table().AddColumn("shape");
            foreach (var s in seedList) table.AddColumn($"seed {s}");
            var results = new List<IReadOnlyList<(HalvingShape Shape, double? Ratio, bool OutOfGrid)>>();
            foreach (var seed in seedList)
            {
                // Measuring is the slow part (about 10 min per 45 configurations on cdiscount), so the grid is kept, named by
                // data hash and seed; Measure checks a kept grid against what random search proposes now and only measures
                // the configurations it lacks.
                var gridPath = Workbook.WorkbookPaths.Data("derived", $"halving-grid-{trainable.Task}-{trainable.DataHash[..12]}-seed{seed}.csv");
                var grid = File.Exists(gridPath) ? HalvingShapeStudy.Load(gridPath) : [];
                if (grid.Select(c => c.Configuration).Distinct().Count() < n)
                    Console.WriteLine($"seed {seed}: measuring {n} configurations at {HalvingShapeStudy.Budgets.Length} budgets into {gridPath} ...");
                grid = HalvingShapeStudy.Measure(trainable, seed, n, Console.WriteLine, ct, grid, cells => HalvingShapeStudy.Save(cells, gridPath));
                results.Add(HalvingShapeStudy.Compare(grid, trainable, seed, p.GetValue(budget), HalvingShapeStudy.Shapes));
            }
            for (var i = 0; i < HalvingShapeStudy.Shapes.Length; i++)
            {
                var shape = HalvingShapeStudy.Shapes[i];
                var current = shape == TunerFactory.DefaultHalvingShape;
                table.AddRow([Markup.Escape(shape.ToString()) + (current ? " (the default)" : ""),
                    .. results.Select(r => r[i] is { Ratio: { } x } ? F(x) : r[i].OutOfGrid ? "beyond the grid" : "never")]);
            }
            AnsiConsole.Write(table);
            Console.WriteLine("ratio = halving's time to reach random search's best validation score / random's time to reach it, both replayed on the same measured trials (target < 0.5)");
            return 0;
        }));
        return cmd;
    }

    private static Command RunCommand()
    {
        var task = new Option<string>("--task") { Description = "classify | mlnet-classify (ML.NET per-node pipeline) | rank | synthetic (a cheap quadratic, for tests)", Required = true };
        task.AcceptOnlyFromAmong([.. Tasks.Names]);
        var data = new Option<string?>("--data") { Description = "classify, mlnet-classify: dataset folder (data.csv + label_info.csv); rank: product_scoring.csv" };
        var budget = new Option<double>("--budget") { Description = "Time budget in seconds", DefaultValueFactory = _ => 300 };
        var trials = new Option<int>("--trials") { Description = "Trial budget", DefaultValueFactory = _ => 1000 };
        var tuner = new Option<string>("--tuner") { Description = "random | halving | cfo | asha (asynchronous halving: for several workers)", DefaultValueFactory = _ => "cfo" };
        tuner.AcceptOnlyFromAmong(TunerFactory.Names);
        var experiment = new Option<string?>("--experiment") { Description = "Experiment name (default: task-tuner-seed-time)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the tuner (same seed, same trials)", DefaultValueFactory = _ => 42 };
        var resume = new Option<bool>("--resume") { Description = "Continue the named experiment if it exists" };
        var model = new Option<string?>("--model") { Description = "Where to save the refit best model (default data/models/automl/<experiment>.model)" };
        var noRefit = new Option<bool>("--no-refit") { Description = "Skip refitting and saving the best configuration" };
        var options = new Option<string?>("--task-options") { Description = "Task options as JSON (e.g. synthetic: {\"SleepMs\":300})" };
        var constraint = new Option<string[]>("--constraint")
        {
            Description = "A bound the selected trial must meet, metric>=number (or <=, >, <) on a metric the trials record, e.g. " +
                          "\"cdiscount_predict_per_cpu_second>=50000\" (classify-catalogues); repeat it or separate with ';'. Stored with the experiment: " +
                          "the leaderboard, `show` and the refit rank only the trials that meet it",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var cmd = new Command("run", "Run an AutoML experiment");
        foreach (var o in new Option[] { task, data, budget, trials, tuner, experiment, seed, resume, model, noRefit, options, constraint, StoreOption, HeartbeatOption }) cmd.Options.Add(o);
        cmd.SetAction((p, ct) => Guarded(() =>
        {
            var t = p.GetValue(task)!;
            var dataPath = p.GetValue(data) is { } given ? Path.GetFullPath(given) : DefaultData(t);
            var optionsJson = Tasks.NormaliseOptions(t, p.GetValue(options));
            var trainable = Tasks.Create(t, dataPath, optionsJson);
            var name = ModelFiles.CheckExperimentName(p.GetValue(experiment) ?? $"{t}-{p.GetValue(tuner)}-{p.GetValue(seed)}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            using var store = ExperimentStore.Open(p.GetValue(StoreOption)!);
            if (!p.GetValue(noRefit)) ModelFiles.CheckOutputs(p.GetValue(model) ?? DefaultModelPath(name), name, dataPath, store.Path);
            if (store.Find(name) is not null && !p.GetValue(resume))
                throw new ExperimentStoreException($"Experiment '{name}' already exists in {store.Path}; pass --resume to continue it or choose another --experiment.");
            var definition = AutoMLTasks.Define(name, trainable, dataPath, optionsJson, p.GetValue(tuner)!, p.GetValue(seed), p.GetValue(budget), p.GetValue(trials),
                string.Join("; ", p.GetValue(constraint) ?? []));
            return Execute(Engine(store, trainable, p), definition, p.GetValue(noRefit), p.GetValue(model), ct);
        }));
        return cmd;
    }

    private static AutoMLExperiment Engine(ExperimentStore store, ITrainable trainable, ParseResult p) =>
        new(store, trainable) { HeartbeatTimeout = TimeSpan.FromSeconds(p.GetValue(HeartbeatOption)) };

    private static Command WorkerCommand()
    {
        var name = new Argument<string>("experiment") { Description = "Experiment to join (created by `automl run`)" };
        var cmd = new Command("worker", "Join an experiment as one more worker: take trials from the shared store until its budget or tuner runs out (no refit)");
        var threads = new Option<int?>("--threads")
        {
            Description = "Threads per trial in this worker (default: the experiment's task options; 0 = every core). Results do not depend on it; " +
                          "on one machine, one worker per core with --threads 1 finishes more trials than one worker with every core",
        };
        cmd.Arguments.Add(name);
        foreach (var o in new Option[] { StoreOption, HeartbeatOption, threads }) cmd.Options.Add(o);
        cmd.SetAction((p, ct) => Guarded(() =>
        {
            using var store = ExperimentStore.Open(p.GetValue(StoreOption)!);
            var d = store.Get(p.GetValue(name)!).Definition;
            var trainable = Tasks.Create(d.Task, d.DataPath, p.GetValue(threads) is { } n ? Tasks.WithThreads(d.Task, d.TaskOptions, n) : d.TaskOptions);
            Console.WriteLine($"worker on {d.Name} ({store.Path}): task {d.Task}, tuner {d.Tuner}, seed {d.Seed}" +
                              (p.GetValue(threads) is { } t ? $", {(t == 0 ? "every core" : $"{t} thread(s)")} per trial" : ""));
            var summary = Engine(store, trainable, p).Join(d.Name, new Callback(x => { if (!x.Replayed) Console.WriteLine(PlainLine(x)); }), ct);
            Console.WriteLine($"stopped: {summary.StopReason}; ran {summary.TrialsRun} trial(s); the experiment holds {summary.Trials.Count}; " +
                              $"best {trainable.Objective} {F(summary.Best?.Objective)} (trial {summary.Best?.Number.ToString(CultureInfo.InvariantCulture) ?? "-"})");
            return 0;
        }));
        return cmd;
    }

    private static Command ResumeCommand()
    {
        var name = new Argument<string>("name") { Description = "Experiment to continue" };
        var budget = new Option<double?>("--budget") { Description = "New total time budget in seconds (default: the stored one)" };
        var trials = new Option<int?>("--trials") { Description = "New total trial budget (default: the stored one)" };
        var model = new Option<string?>("--model") { Description = "Where to save the refit best model" };
        var noRefit = new Option<bool>("--no-refit") { Description = "Skip refitting and saving the best configuration" };
        var cmd = new Command("resume", "Continue a stopped or killed experiment without repeating finished trials");
        cmd.Arguments.Add(name);
        foreach (var o in new Option[] { budget, trials, model, noRefit, StoreOption, HeartbeatOption }) cmd.Options.Add(o);
        cmd.SetAction((p, ct) => Guarded(() =>
        {
            using var store = ExperimentStore.Open(p.GetValue(StoreOption)!);
            var e = store.Get(p.GetValue(name)!);
            var d = e.Definition;
            if (p.GetValue(budget) is not null || p.GetValue(trials) is not null)
                store.SetBudget(e.Id, p.GetValue(budget) ?? d.BudgetSeconds, p.GetValue(trials) ?? d.MaxTrials);
            var trainable = Tasks.Create(d.Task, d.DataPath, d.TaskOptions);
            if (!p.GetValue(noRefit)) ModelFiles.CheckOutputs(p.GetValue(model) ?? e.ModelPath ?? DefaultModelPath(d.Name), d.Name, d.DataPath, store.Path);
            return Execute(Engine(store, trainable, p), store.Get(d.Name).Definition, p.GetValue(noRefit), p.GetValue(model) ?? e.ModelPath, ct);
        }));
        return cmd;
    }

    private static Command ListCommand()
    {
        var cmd = new Command("list", "List stored experiments");
        cmd.Options.Add(StoreOption);
        cmd.SetAction(p => Guarded(() =>
        {
            using var store = ExperimentStore.Open(p.GetValue(StoreOption)!);
            var table = new Spectre.Console.Table().AddColumns("experiment", "task", "tuner", "seed", "trials", "done", "failed", "killed", "seconds", "best", "state");
            foreach (var e in store.List())
            {
                var s = Leaderboard.Summarise(e, store.Trials(e.Id));
                table.AddRow(Markup.Escape(s.Name), s.Task, s.Tuner, I(s.Seed), I(s.Trials), I(s.Completed), I(s.Failed), I(s.Killed),
                    s.TrialSeconds.ToString("F1", CultureInfo.InvariantCulture), F(s.BestObjective), s.Finished ? "finished" : "stopped");
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return cmd;
    }

    private static Command ShowCommand()
    {
        var name = new Argument<string>("name") { Description = "Experiment" };
        var top = new Option<int>("--top") { Description = "Rows of the leaderboard", DefaultValueFactory = _ => 10 };
        var cmd = new Command("show", "Leaderboard of one experiment (full-budget trials, best first)");
        cmd.Arguments.Add(name);
        cmd.Options.Add(top);
        cmd.Options.Add(StoreOption);
        cmd.SetAction(p => Guarded(() =>
        {
            using var store = ExperimentStore.Open(p.GetValue(StoreOption)!);
            var e = store.Get(p.GetValue(name)!);
            var trials = store.Trials(e.Id);
            var d = e.Definition;
            AnsiConsole.WriteLine($"{d.Name}: task {d.Task}, tuner {d.Tuner}, seed {d.Seed}, budget {d.BudgetSeconds:0} s / {d.MaxTrials} trials, " +
                                  $"data {d.DataHash[..12]}, code {d.CodeVersion[..Math.Min(12, d.CodeVersion.Length)]}, created {e.Created:u}");
            if (e.ModelPath is not null) AnsiConsole.WriteLine($"model: {e.ModelPath}");
            if (d.Constraints.Length > 0) AnsiConsole.WriteLine($"constraints: {d.Constraints} (only the trials that meet them are ranked)");
            var table = new Spectre.Console.Table().AddColumns("rank", "trial", "objective", "budget", "seconds", "worker", "params");
            var rank = 0;
            foreach (var t in Leaderboard.Rank(trials, d.Constraints).Take(p.GetValue(top)))
                table.AddRow(I(++rank), I(t.Number), F(t.Objective), F(t.Budget), F(t.DurationSeconds), Markup.Escape(t.Worker ?? "-"), Markup.Escape(t.ParamsJson));
            AnsiConsole.Write(table);
            if (d.Constraints.Length > 0 && Leaderboard.Infeasible(trials, d.Constraints) is { Count: > 0 } excluded)
            {
                AnsiConsole.WriteLine($"excluded by the constraints: {excluded.Count} full-budget trial(s), the best of them:");
                foreach (var (t, why) in excluded.Take(3))
                    AnsiConsole.WriteLine($"  trial {I(t.Number)}: objective {F(t.Objective)}; {why}");
            }
            var other = trials.GroupBy(t => t.Status).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
            AnsiConsole.WriteLine($"trials: {string.Join(", ", other)}; workers: {trials.Select(t => t.Worker).Distinct().Count(w => w is not null)}");
            return 0;
        }));
        return cmd;
    }

    private static Command CompareCommand()
    {
        var a = new Argument<string>("a") { Description = "First experiment" };
        var b = new Argument<string>("b") { Description = "Second experiment" };
        var cmd = new Command("compare", "Compare two experiments: best objective, trials, time to best, best parameters");
        cmd.Arguments.Add(a);
        cmd.Arguments.Add(b);
        cmd.Options.Add(StoreOption);
        cmd.SetAction(p => Guarded(() =>
        {
            using var store = ExperimentStore.Open(p.GetValue(StoreOption)!);
            ExperimentSummaryRow Row(string n) { var e = store.Get(n); return Leaderboard.Summarise(e, store.Trials(e.Id)); }
            var c = Leaderboard.Compare(Row(p.GetValue(a)!), Row(p.GetValue(b)!));
            var table = new Spectre.Console.Table().AddColumns("", Markup.Escape(c.A.Name), Markup.Escape(c.B.Name));
            table.AddRow("task", c.A.Task, c.B.Task);
            table.AddRow("tuner / seed", $"{c.A.Tuner} / {c.A.Seed}", $"{c.B.Tuner} / {c.B.Seed}");
            table.AddRow("trials (done/failed/killed)", $"{c.A.Trials} ({c.A.Completed}/{c.A.Failed}/{c.A.Killed})", $"{c.B.Trials} ({c.B.Completed}/{c.B.Failed}/{c.B.Killed})");
            table.AddRow("trial seconds", F(c.A.TrialSeconds), F(c.B.TrialSeconds));
            table.AddRow("best objective", F(c.A.BestObjective), F(c.B.BestObjective));
            table.AddRow("best trial", c.A.BestTrial?.ToString(CultureInfo.InvariantCulture) ?? "-", c.B.BestTrial?.ToString(CultureInfo.InvariantCulture) ?? "-");
            table.AddRow("seconds to best", F(c.A.SecondsToBest), F(c.B.SecondsToBest));
            table.AddRow("best params", Markup.Escape(c.A.BestParams ?? "-"), Markup.Escape(c.B.BestParams ?? "-"));
            AnsiConsole.Write(table);
            AnsiConsole.WriteLine(c.ObjectiveDifference is { } diff ? $"best objective difference (a - b): {diff:+0.0000;-0.0000;0}" : "no comparable best");
            return 0;
        }));
        return cmd;
    }

    private static int Execute(AutoMLExperiment engine, ExperimentDefinition definition, bool noRefit, string? modelPath, CancellationToken ct)
    {
        var (store, trainable) = (engine.Store, engine.Trainable);
        ExperimentSummary summary;
        var interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        if (interactive) summary = RunLive(engine, definition, trainable, ct);
        else
        {
            Console.WriteLine($"experiment {definition.Name}: task {definition.Task}, tuner {definition.Tuner}, seed {definition.Seed}, " +
                              $"budget {definition.BudgetSeconds:0} s / {definition.MaxTrials} trials, objective {trainable.Objective}");
            summary = engine.Run(definition, new Callback(p => Console.WriteLine(PlainLine(p))), ct);
        }
        var best = summary.Best;
        Console.WriteLine($"stopped: {summary.StopReason}; ran {summary.TrialsRun} trial(s), replayed {summary.TrialsReplayed}; " +
                          $"best {trainable.Objective} {F(best?.Objective)} (trial {best?.Number.ToString(CultureInfo.InvariantCulture) ?? "-"})");
        if (best is not null && !noRefit && !ct.IsCancellationRequested)
        {
            var lineage = ModelFiles.RefitBest(store, definition.Name, trainable, modelPath ?? DefaultModelPath(definition.Name), ct);
            var test = string.Join(", ", lineage.TestMetrics.Select(kv => $"{kv.Key} {kv.Value:F4}"));
            Console.WriteLine($"selected: {lineage.Selection}");
            Console.WriteLine($"model: {store.Get(definition.Name).ModelPath} (lineage beside it){(test.Length > 0 ? "; test: " + test : "")}");
        }
        return 0;
    }

    private static ExperimentSummary RunLive(AutoMLExperiment engine, ExperimentDefinition definition, ITrainable trainable, CancellationToken ct)
    {
        var table = new Spectre.Console.Table().AddColumns("trial", "budget", "status", trainable.Objective, "best so far", "seconds", "params");
        table.Title = new TableTitle(Markup.Escape($"{definition.Name} ({definition.Tuner}, seed {definition.Seed}, {definition.BudgetSeconds:0} s)"));
        ExperimentSummary? summary = null;
        AnsiConsole.Live(table).AutoClear(false).Start(ctx =>
        {
            summary = engine.Run(definition, new Callback(p =>
            {
                var t = p.Trial;
                // Keep the table short enough for one screen: the last rows tell the story.
                if (table.Rows.Count >= 20) table.Rows.RemoveAt(0);
                table.AddRow(I(t.Number), F(t.Budget), t.Status.ToString().ToLowerInvariant() + (p.Replayed ? " (stored)" : ""),
                    F(t.Objective), F(p.BestSoFar?.Objective), F(t.DurationSeconds), Markup.Escape(p.Parameters.ToString()));
                ctx.Refresh();
            }), ct);
        });
        return summary!;
    }

    private static string PlainLine(TrialProgress p)
    {
        var t = p.Trial;
        return $"trial {t.Number,4}  budget {F(t.Budget),6}  {t.Status.ToString().ToLowerInvariant()}{(p.Replayed ? " (stored)" : "")}  " +
               $"metric {F(t.Objective)}  best {F(p.BestSoFar?.Objective)}  {F(t.DurationSeconds)} s  {p.Parameters}" +
               (t.Error is null ? "" : $"  error: {t.Error}");
    }

    private static string DefaultModelPath(string experiment) => WorkbookPaths.Data("models", "automl", ModelFiles.CheckExperimentName(experiment) + ".model");

    private static string DefaultData(string task) => task switch
    {
        "classify" or "mlnet-classify" => Workbook.WorkbookPaths.Data("products", "cdiscount"),
        "rank" => Workbook.WorkbookPaths.Data("ranking", "product_scoring.csv"),
        _ => "(none)",
    };

    private static async Task<int> Guarded(Func<int> action)
    {
        // Redirected output gets Spectre's 80-column default, too narrow for parameter JSON.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 240;
        // Other errors go to Program's guard (CliErrors): one line, exit code 2 for what the user can fix.
        try { return await Task.Run(action); }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("automl: cancelled; `automl resume <name>` continues the experiment.");
            return 130;
        }
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string F1(double? v) => v?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";
    private static string F(double? v) => v?.ToString("0.####", CultureInfo.InvariantCulture) ?? "-";

    private sealed class Callback(Action<TrialProgress> action) : IProgress<TrialProgress>
    {
        public void Report(TrialProgress value) => action(value);
    }
}
